package client

// Phone is an IP phone assigned to a user, with its provisioning settings.
// Its web-interface password is write-only: answers leave it empty.
type Phone struct {
	Backlight  string   `json:"backlight"`
	Codecs     []string `json:"codecs"`
	DateFormat string   `json:"date_format"`
	// DoorPassword1: Digits only.
	DoorPassword1 string `json:"door_password1"`
	// DoorPassword2: Digits only.
	DoorPassword2     string `json:"door_password2"`
	EnableLLDP        bool   `json:"enable_lldp"`
	EnableVLANPCPort  bool   `json:"enable_vlan_pc_port"`
	EnableVLANWANPort bool   `json:"enable_vlan_wan_port"`
	ExternalRingtone  string `json:"external_ringtone"`
	// Filename: Provisioning template file name; fixed once assigned.
	Filename string `json:"filename"`
	// FWVer: Read-only: reported by the phone.
	FWVer     string `json:"fwver"`
	HTTPS     bool   `json:"https"`
	ID        string `json:"id"`
	Interface string `json:"interface"`
	Language  string `json:"language"`
	// MAC: Normalised to lower-case aa:bb:cc:dd:ee:ff; unique in the tenant; fixed once assigned.
	MAC string `json:"mac"`
	// Model: One of the vendor's documented models; fixed once assigned.
	Model string `json:"model"`
	// Password: Web-interface password; write-only.
	Password string `json:"password"`
	// PCPortID: VLAN id 1-4094.
	PCPortID int `json:"pc_port_id"`
	// PCPortPriority: 0-7.
	PCPortPriority     int    `json:"pc_port_priority"`
	Powerled           string `json:"powerled"`
	PreferredTransport string `json:"preferred_transport"`
	QueueRingtone      string `json:"queue_ringtone"`
	Ringtone           string `json:"ringtone"`
	RPS                bool   `json:"rps"`
	Screensaver        string `json:"screensaver"`
	SerialNumber       string `json:"serial_number"`
	TimeFormat         string `json:"time_format"`
	Timezone           string `json:"timezone"`
	Transfer           string `json:"transfer"`
	// URL: Read-only: where the phone fetches its configuration.
	URL string `json:"url"`
	// Vendor: One of the documented vendors; fixed once assigned.
	Vendor string `json:"vendor"`
	// WANPortID: VLAN id 1-4094.
	WANPortID int `json:"wan_port_id"`
	// WANPortPriority: 0-7.
	WANPortPriority int `json:"wan_port_priority"`
}

// PhoneInput is the body that creates or changes a phone: only the fields
// set are sent (a change keeps the others). MAC, Vendor and Model are
// needed to create one.
type PhoneInput struct {
	Backlight  *string  `json:"backlight,omitempty"`
	Codecs     []string `json:"codecs,omitzero"`
	DateFormat *string  `json:"date_format,omitempty"`
	// DoorPassword1: Digits only.
	DoorPassword1 *string `json:"door_password1,omitempty"`
	// DoorPassword2: Digits only.
	DoorPassword2     *string `json:"door_password2,omitempty"`
	EnableLLDP        *bool   `json:"enable_lldp,omitempty"`
	EnableVLANPCPort  *bool   `json:"enable_vlan_pc_port,omitempty"`
	EnableVLANWANPort *bool   `json:"enable_vlan_wan_port,omitempty"`
	ExternalRingtone  *string `json:"external_ringtone,omitempty"`
	// Filename: Provisioning template file name; fixed once assigned.
	Filename  *string `json:"filename,omitempty"`
	HTTPS     *bool   `json:"https,omitempty"`
	Interface *string `json:"interface,omitempty"`
	Language  *string `json:"language,omitempty"`
	// MAC: Normalised to lower-case aa:bb:cc:dd:ee:ff; unique in the tenant; fixed once assigned.
	MAC *string `json:"mac,omitempty"`
	// Model: One of the vendor's documented models; fixed once assigned.
	Model *string `json:"model,omitempty"`
	// Password: Web-interface password; write-only.
	Password *string `json:"password,omitempty"`
	// PCPortID: VLAN id 1-4094.
	PCPortID *int `json:"pc_port_id,omitempty"`
	// PCPortPriority: 0-7.
	PCPortPriority     *int    `json:"pc_port_priority,omitempty"`
	Powerled           *string `json:"powerled,omitempty"`
	PreferredTransport *string `json:"preferred_transport,omitempty"`
	QueueRingtone      *string `json:"queue_ringtone,omitempty"`
	Ringtone           *string `json:"ringtone,omitempty"`
	RPS                *bool   `json:"rps,omitempty"`
	Screensaver        *string `json:"screensaver,omitempty"`
	SerialNumber       *string `json:"serial_number,omitempty"`
	TimeFormat         *string `json:"time_format,omitempty"`
	Timezone           *string `json:"timezone,omitempty"`
	Transfer           *string `json:"transfer,omitempty"`
	// Vendor: One of the documented vendors; fixed once assigned.
	Vendor *string `json:"vendor,omitempty"`
	// WANPortID: VLAN id 1-4094.
	WANPortID *int `json:"wan_port_id,omitempty"`
	// WANPortPriority: 0-7.
	WANPortPriority *int `json:"wan_port_priority,omitempty"`
}
