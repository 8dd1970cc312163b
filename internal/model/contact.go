package model

import "strings"

// ContactFields are the seed's fields of a personal or business contact.
type ContactFields struct {
	Name         string `json:"name" maxLength:"128"`
	Email        string `json:"email" maxLength:"254"`
	Company      string `json:"company" maxLength:"128"`
	Title        string `json:"title" maxLength:"128"`
	Business     string `json:"business" maxLength:"32" doc:"Business phone number"`
	Business2    string `json:"business2" maxLength:"32"`
	MobilePhone  string `json:"mobile_phone" maxLength:"32"`
	MobilePhone2 string `json:"mobile_phone2" maxLength:"32"`
	HomePhone    string `json:"home_phone" maxLength:"32"`
	HomePhone2   string `json:"home_phone2" maxLength:"32"`
	Other        string `json:"other" maxLength:"32" doc:"Another phone number"`
	BusinessFax  string `json:"business_fax" maxLength:"32"`
	HomeFax      string `json:"home_fax" maxLength:"32"`
	Address      string `json:"address" maxLength:"512"`
	Notes        string `json:"notes" maxLength:"4096"`
}

// Contact is a personal contact (UserID set) or a business contact of the
// tenant (UserID "").
type Contact struct {
	ID string `json:"id"`
	ContactFields
	// SyncType says where the contact came from ("" when entered here;
	// "Microsoft 365" for a synced one).
	SyncType string `json:"sync_type"`
	Favorite bool   `json:"favorite"`

	TenantID string `json:"-"`
	UserID   string `json:"-"`
}

// contactLen is the maxLength a contact's member declares.
func contactLen(name string) int { return bound[ContactFields]("maxLength", name) }

// The bounds of a contact's free-text members, as their tags declare them.
var (
	contactNameLen, contactCompanyLen, contactTitleLen = contactLen("name"), contactLen("company"), contactLen("title")
	contactAddressLen, contactNotesLen                 = contactLen("address"), contactLen("notes")
)

// ValidateContact checks a contact's fields.
func ValidateContact(c *ContactFields) error {
	if strings.TrimSpace(c.Name) == "" {
		return Invalid("name", "is required")
	}
	for _, f := range []struct {
		name, v   string
		max       int
		multiline bool
	}{
		{"name", c.Name, contactNameLen, false}, {"company", c.Company, contactCompanyLen, false}, {"title", c.Title, contactTitleLen, false},
		{"address", c.Address, contactAddressLen, true}, {"notes", c.Notes, contactNotesLen, true},
	} {
		if err := checkText(f.name, f.v, f.max, f.multiline); err != nil {
			return err
		}
	}
	if c.Email != "" {
		if err := ValidateEmail("email", c.Email); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{
		{"business", c.Business}, {"business2", c.Business2}, {"mobile_phone", c.MobilePhone}, {"mobile_phone2", c.MobilePhone2},
		{"home_phone", c.HomePhone}, {"home_phone2", c.HomePhone2}, {"other", c.Other}, {"business_fax", c.BusinessFax}, {"home_fax", c.HomeFax},
	} {
		if f.v != "" {
			if err := ValidatePhoneNumber(f.name, f.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// ExtensionContact is a user of the tenant as the directory shows it to
// the other users: derived from the user, never stored apart.
type ExtensionContact struct {
	ID              string `json:"id"`
	DisplayName     string `json:"display_name"`
	Email           string `json:"email"`
	MobilePhone     string `json:"mobile_phone"`
	WorkPhone       string `json:"work_phone"`
	HomePhone       string `json:"home_phone"`
	Address         string `json:"address"`
	Department      string `json:"department"`
	AvatarFileURL   string `json:"avatar_file_url"`
	ExtensionNumber string `json:"extension_number"`
	Favorite        bool   `json:"favorite"`
}

// ExtensionContactOf is the directory entry of u.
func ExtensionContactOf(u *User) ExtensionContact {
	return ExtensionContact{ID: u.ID, DisplayName: u.DisplayName, Email: u.Email, MobilePhone: u.MobilePhone, WorkPhone: u.WorkPhone,
		HomePhone: u.HomePhone, Address: u.Address, Department: u.Department, AvatarFileURL: u.AvatarFileURL, ExtensionNumber: u.ExtensionNumber}
}
