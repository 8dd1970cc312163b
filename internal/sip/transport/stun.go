package transport

import (
	"encoding/binary"
	"net"
)

// STUN (RFC 5389) as RFC 5626 section 4.4.2 uses it: a phone behind NAT
// sends Binding requests to the SIP port over UDP to keep its NAT
// mapping open and to learn whether the mapping changed (the flow
// failed). The server answers each with its source address as seen
// here.
const (
	stunHeaderLen        = 20
	stunMagicCookie      = 0x2112A442
	stunBindingRequest   = 0x0001
	stunBindingSuccess   = 0x0101
	stunMappedAddress    = 0x0001
	stunXORMappedAddress = 0x0020
)

// stunBinding tells whether data is a STUN Binding request (a SIP
// message never starts with two zero bits and the magic cookie).
func stunBinding(data []byte) bool {
	if len(data) < stunHeaderLen || data[0]&0xC0 != 0 {
		return false
	}
	length := int(binary.BigEndian.Uint16(data[2:4]))
	return binary.BigEndian.Uint16(data[0:2]) == stunBindingRequest &&
		binary.BigEndian.Uint32(data[4:8]) == stunMagicCookie &&
		length%4 == 0 && stunHeaderLen+length == len(data)
}

// stunBindingResponse is the success response to the Binding request
// req from addr: its transaction ID, and addr as XOR-MAPPED-ADDRESS
// (and MAPPED-ADDRESS, for clients of RFC 3489's time).
func stunBindingResponse(req []byte, addr *net.UDPAddr) []byte {
	ip := addr.IP.To4()
	family := byte(0x01)
	if ip == nil {
		ip, family = addr.IP.To16(), 0x02
	}
	attr := func(typ uint16, port uint16, ip []byte) []byte {
		a := make([]byte, 8+len(ip))
		binary.BigEndian.PutUint16(a[0:2], typ)
		binary.BigEndian.PutUint16(a[2:4], uint16(4+len(ip)))
		a[5] = family
		binary.BigEndian.PutUint16(a[6:8], port)
		copy(a[8:], ip)
		return a
	}
	// XOR-MAPPED-ADDRESS: the port with the cookie's high half, the
	// address with the cookie and (IPv6) the transaction ID.
	key := append(binary.BigEndian.AppendUint32(nil, stunMagicCookie), req[8:20]...)
	xip := make([]byte, len(ip))
	for i := range ip {
		xip[i] = ip[i] ^ key[i]
	}
	port := uint16(addr.Port)
	body := append(attr(stunXORMappedAddress, port^uint16(stunMagicCookie>>16), xip), attr(stunMappedAddress, port, ip)...)
	res := make([]byte, stunHeaderLen, stunHeaderLen+len(body))
	binary.BigEndian.PutUint16(res[0:2], stunBindingSuccess)
	binary.BigEndian.PutUint16(res[2:4], uint16(len(body)))
	copy(res[4:20], req[4:20])
	return append(res, body...)
}
