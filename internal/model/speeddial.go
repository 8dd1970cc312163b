package model

// SpeedDial is one entry of a user's speed_dial_8 (codes 2-9) or
// speed_dial_100 (codes 00-99).
type SpeedDial struct {
	ID          string `json:"id"`
	Code        string `json:"code" maxLength:"2"`
	PhoneNumber string `json:"phone_number" maxLength:"32"`
	Description string `json:"description" maxLength:"128"`
}

// speedDialTextLen bounds an entry's description, as its tag declares it.
var speedDialTextLen = bound[SpeedDial]("maxLength", "description")

// ValidateSpeedDial checks an entry; hundred selects the 00-99 form.
func ValidateSpeedDial(d *SpeedDial, hundred bool) error {
	if hundred {
		if len(d.Code) != 2 || !allDigits(d.Code) {
			return Invalid("code", "must be two digits from 00 to 99")
		}
	} else if len(d.Code) != 1 || d.Code[0] < '2' || d.Code[0] > '9' {
		return Invalid("code", "must be one digit from 2 to 9")
	}
	if d.PhoneNumber == "" {
		return Invalid("phone_number", "is required")
	}
	if err := ValidatePhoneNumber("phone_number", d.PhoneNumber); err != nil {
		return err
	}
	return checkText("description", d.Description, speedDialTextLen, false)
}
