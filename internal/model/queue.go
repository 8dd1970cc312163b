package model

import (
	"strings"
	"time"
)

// Kinds of hunt groups.
const (
	KindCallQueue = "call_queue"
	KindRingGroup = "ring_group"
)

// Agent statuses (the seed's seven).
var AgentStatuses = []string{"READY", "NOT_READY", "WRAP_UP", "BREAK", "LUNCH", "LOGGED_IN", "LOGGED_OUT"}

// HuntGroup is a call queue or a ring group: an extension that rings its
// members.
type HuntGroup struct {
	ID              string    `json:"id"`
	Name            string    `json:"name" maxLength:"64"`
	ExtensionNumber string    `json:"extension_number" maxLength:"64"`
	Strategy        string    `json:"strategy" enum:"RING_ALL,HUNT,LEAST_RECENT,FEWEST_CALLS,RANDOM"`
	RingTimeout     int       `json:"ring_timeout" minimum:"5" maximum:"600" doc:"Seconds a member rings before the next (default 20)"`
	CreatedAt       time.Time `json:"created_at"`

	TenantID string `json:"-"`
	Kind     string `json:"-"`
}

// HuntGroupSummary is how a user sees a group it belongs to.
type HuntGroupSummary struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	ExtensionNumber string `json:"extension_number"`
}

// Agent is a member of a call queue.
type Agent struct {
	UserID          string    `json:"user_id"`
	ExtensionNumber string    `json:"extension_number"`
	DisplayName     string    `json:"display_name"`
	SkillLevel      int       `json:"skill_level" minimum:"1" maximum:"10"`
	Status          string    `json:"status" enum:"READY,NOT_READY,WRAP_UP,BREAK,LUNCH,LOGGED_IN,LOGGED_OUT"`
	StatusAt        time.Time `json:"status_at"`
}

// AgentEvent is one change of an agent's status.
type AgentEvent struct {
	UserID   string    `json:"user_id"`
	Status   string    `json:"status"`
	Previous string    `json:"previous"`
	By       string    `json:"by" doc:"Who changed it (the agent, or an admin)"`
	At       time.Time `json:"at"`
}

// The bounds of a hunt group's members, as their tags declare them.
var (
	huntNameLen    = bound[HuntGroup]("maxLength", "name")
	minRingTimeout = bound[HuntGroup]("minimum", "ring_timeout")
	maxRingTimeout = bound[HuntGroup]("maximum", "ring_timeout")
)

// ValidateHuntGroup fills defaults and checks a group.
func ValidateHuntGroup(g *HuntGroup) error {
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" || len(g.Name) > huntNameLen {
		return Invalid("name", "is required, at most %d characters", huntNameLen)
	}
	if err := ValidateExtensionNumber(g.ExtensionNumber); err != nil {
		return err
	}
	if g.Strategy == "" {
		g.Strategy = "RING_ALL"
	}
	if err := OneOf("strategy", g.Strategy, []string{"RING_ALL", "HUNT", "LEAST_RECENT", "FEWEST_CALLS", "RANDOM"}); err != nil {
		return err
	}
	if g.RingTimeout == 0 {
		g.RingTimeout = 20
	}
	if g.RingTimeout < minRingTimeout || g.RingTimeout > maxRingTimeout {
		return Invalid("ring_timeout", "must be from %d to %d seconds", minRingTimeout, maxRingTimeout)
	}
	return nil
}

// The bounds of an agent's skill level, as its tag declares them.
var minSkill, maxSkill = bound[Agent]("minimum", "skill_level"), bound[Agent]("maximum", "skill_level")

// ValidateSkillLevel checks a queue member's skill level.
func ValidateSkillLevel(n int) error {
	if n < minSkill || n > maxSkill {
		return Invalid("skill_level", "must be from %d to %d", minSkill, maxSkill)
	}
	return nil
}

// AgentTransition checks a status change: a logged-out agent logs in
// (LOGGED_IN, or READY at once) before anything else.
func AgentTransition(from, to string) error {
	if err := OneOf("status", to, AgentStatuses); err != nil {
		return err
	}
	if from == "LOGGED_OUT" && to != "LOGGED_IN" && to != "READY" && to != "LOGGED_OUT" {
		return Conflict("status", "the agent is logged out: log in (LOGGED_IN or READY) first")
	}
	return nil
}
