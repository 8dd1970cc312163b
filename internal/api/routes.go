package api

import "github.com/switchboard-pbx/switchboard/internal/directory"

// routes registers every route group: this is the one list of them.
func (s *Server) routes() {
	s.authRoutes()
	s.otpRoutes()
	s.apiKeyRoutes()
	s.tenantRoutes()
	s.ownTenantRoutes()
	s.roleRoutes()
	s.auditRoutes()

	s.userCSVRoutes() // before /api/users/{id}
	s.userRoutes()
	s.userAccountRoutes()
	s.userRemovalRoutes()
	s.userProfileRoutes()
	s.balanceRoutes()
	s.meRoutes()
	s.userCollectionRoutes()
	s.provisioningRoutes()
	s.greetingRoutes()
	s.globalHolidayRoutes()
	s.statusRoutes()
	s.routingRoutes()

	s.groupRoutes()
	s.groupMemberRoutes()
	for _, k := range huntKinds {
		s.huntGroupRoutes(k)
		s.huntMemberRoutes(k)
	}
	s.agentRoutes()
	s.tenantHolidayRoutes()

	for _, k := range contactKinds {
		s.contactReadRoutes(k)
		s.syncRoutes(k.base, k.kind, "Contacts", k.name, route{access: self})
	}
	s.personalContactRoutes()
	s.businessContactRoutes()
	s.extensionContactRoutes()
	s.syncRoutes("/api/user/extension_contacts", directory.KindExtensionContact, "Contacts", "extension contact", route{access: self})

	s.cdrRoutes()
	s.syncRoutes("/api/user/cdrs", directory.KindCDR, "Call history", "call record", route{access: perm, permission: directory.PermOwnCallLog})
	s.recordingRoutes()
	s.externalMessageRoutes()
	s.voicemailRoutes()
	s.voicemailPromptRoutes()
	s.meetingRoutes()
	s.meetingControlRoutes()
	s.participantRoutes()
	s.blobRoutes()
}
