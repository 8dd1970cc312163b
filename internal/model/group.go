package model

// Group is a tenant's user group.
type Group struct {
	ID                string             `json:"id"`
	Name              string             `json:"name" maxLength:"64"`
	Description       string             `json:"description" maxLength:"256"`
	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids" maxItems:"50"`
}

// GroupMember is a list item of a group's members.
type GroupMember struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	DisplayName     string `json:"display_name"`
	ExtensionNumber string `json:"extension_number"`
}

// The bounds of a group's members, as their tags declare them.
var (
	groupNameLen        = bound[Group]("maxLength", "name")
	groupDescriptionLen = bound[Group]("maxLength", "description")
	groupCallerIDs      = bound[Group]("maxItems", "outbound_caller_ids")
)

// ValidateGroup checks a group.
func ValidateGroup(g *Group) error {
	if g.Name == "" {
		return Invalid("name", "is required")
	}
	if err := checkText("name", g.Name, groupNameLen, false); err != nil {
		return err
	}
	if err := checkText("description", g.Description, groupDescriptionLen, false); err != nil {
		return err
	}
	if g.OutboundCallerIDs == nil {
		g.OutboundCallerIDs = []OutboundCallerID{}
	}
	return validateCallerIDs(g.OutboundCallerIDs, groupCallerIDs)
}
