package directory

import "github.com/switchboard-pbx/switchboard/internal/model"

// SetSIPTransports records the node's SIP listeners once they are bound
// (their ports are known only then), for the users' transports.
func (s *Service) SetSIPTransports(ts []model.Transport) {
	s.transports.Store(&ts)
}

func (s *Service) withTransports(u *model.User, err error) (*model.User, error) {
	if err != nil {
		return nil, err
	}
	u.Transports = []model.Transport{}
	if ts := s.transports.Load(); ts != nil {
		u.Transports = append(u.Transports, (*ts)...)
	}
	return u, nil
}
