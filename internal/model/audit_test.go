package model

import "testing"

func TestMaskSecrets(t *testing.T) {
	in := map[string]any{"department": "Sales", "password": "hunter2-long", "voicemail_pin": "135792",
		"admin": map[string]any{"name": "boss", "password": "Boss-pw-123"}}
	out := MaskSecrets(in)
	if out["department"] != "Sales" || out["password"] != Masked || out["voicemail_pin"] != Masked ||
		out["admin"].(map[string]any)["password"] != Masked || out["admin"].(map[string]any)["name"] != "boss" {
		t.Fatalf("masked: %v", out)
	}
	if in["password"] != "hunter2-long" {
		t.Fatal("the input was changed")
	}
}
