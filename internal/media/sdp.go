package media

import (
	"net"
	"strconv"
	"strings"
)

// sdpAudio is what an anchor needs of an SDP body: where its audio goes
// and in which payload types.
type sdpAudio struct {
	addr    *net.UDPAddr // the audio's connection address and port
	formats []uint8      // the m=audio line's payload types, in order
	dtmfPT  uint8        // telephone-event's payload type (0: none)
}

// parseSDP reads the first audio stream of an SDP body; false when it
// has none (or no address for it).
func parseSDP(body []byte) (sdpAudio, bool) {
	var a sdpAudio
	var sessionIP, mediaIP net.IP
	inAudio, seenAudio, port := false, false, 0
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "m="):
			if inAudio {
				inAudio = false // only the first audio stream
				continue
			}
			f := strings.Fields(line[2:])
			if seenAudio || len(f) < 3 || f[0] != "audio" {
				continue
			}
			inAudio, seenAudio = true, true
			port, _ = strconv.Atoi(f[1])
			for _, pt := range f[3:] {
				if n, err := strconv.Atoi(pt); err == nil && n >= 0 && n < 128 {
					a.formats = append(a.formats, uint8(n))
				}
			}
		case strings.HasPrefix(line, "c="):
			f := strings.Fields(line[2:])
			if len(f) < 3 {
				continue
			}
			ip := net.ParseIP(strings.SplitN(f[2], "/", 2)[0])
			if inAudio {
				mediaIP = ip
			} else if !seenAudio {
				sessionIP = ip
			}
		case inAudio && strings.HasPrefix(line, "a=rtpmap:"):
			pt, enc, _ := strings.Cut(line[len("a=rtpmap:"):], " ")
			if n, err := strconv.Atoi(pt); err == nil && n > 0 && n < 128 && strings.HasPrefix(strings.ToLower(enc), "telephone-event/8000") {
				a.dtmfPT = uint8(n)
			}
		}
	}
	ip := mediaIP
	if ip == nil {
		ip = sessionIP
	}
	if !seenAudio || ip == nil || port <= 0 || port > 65535 {
		return a, false
	}
	a.addr = &net.UDPAddr{IP: ip, Port: port}
	return a, true
}

// rewriteSDP is body with the first audio stream sent to ip:port: the
// session's and that stream's connection lines, and its port. Other
// streams (video) keep their own address when they give one.
func rewriteSDP(body []byte, ip string, port int) []byte {
	lines := strings.Split(string(body), "\n")
	inAudio, seenAudio := false, false
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r")
		cr := raw[len(line):]
		switch {
		case strings.HasPrefix(line, "m="):
			f := strings.Fields(line[2:])
			inAudio = !seenAudio && len(f) >= 3 && f[0] == "audio"
			if inAudio {
				seenAudio = true
				f[1] = strconv.Itoa(port)
				lines[i] = "m=" + strings.Join(f, " ") + cr
			}
		case strings.HasPrefix(line, "c=") && (inAudio || !seenAudio):
			lines[i] = "c=IN " + ipVersion(ip) + " " + ip + cr
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

func ipVersion(ip string) string {
	if strings.Contains(ip, ":") {
		return "IP6"
	}
	return "IP4"
}
