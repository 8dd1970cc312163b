package model

import "testing"

func TestForwardRulesList(t *testing.T) {
	var r ForwardRules
	r.BusyNonOfficeHours = ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "202"}
	r.BusyNoAnswer = NoAnswerForwardRule{Action: "FORWARD_TO_VOICEMAIL", Timeout: 20}
	rules := r.Rules()
	if len(rules) != 16 {
		t.Fatalf("%d rules", len(rules))
	}
	found := map[string]NamedRule{}
	for _, n := range rules {
		found[n.Name] = n
	}
	if found["busy_non_office_hours_forward_rule"].Number != "202" || found["busy_no_answer_forward_rule"].Action != "FORWARD_TO_VOICEMAIL" ||
		found["offline_office_hours_forward_rule"].Name == "" {
		t.Fatalf("rules: %v", rules)
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		p := RandomPassword()
		if err := ValidatePassword("password", p); err != nil || len(p) != 18 || seen[p] {
			t.Fatalf("%q: %v", p, err)
		}
		seen[p] = true
	}
}
