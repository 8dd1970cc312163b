package client

import "context"

// Holiday is a span of days (and hours) off: a user's own, or a tenant
// holiday that users choose to observe.
type Holiday struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Region is an ISO 3166-1 alpha-3 country code, e.g. FRA.
	Region      string `json:"region"`
	Consecutive bool   `json:"consecutive"`
	EveryYear   bool   `json:"every_year"`
	YearStart   int    `json:"year_start"`
	YearEnd     int    `json:"year_end"`
	MonthStart  int    `json:"month_start"`
	MonthEnd    int    `json:"month_end"`
	DayStart    int    `json:"day_start"`
	DayEnd      int    `json:"day_end"`
	HourStart   int    `json:"hour_start"`
	HourEnd     int    `json:"hour_end"`
	MinuteStart int    `json:"minute_start"`
	MinuteEnd   int    `json:"minute_end"`
}

// HolidayInput is the body that creates or changes a holiday: only the
// fields set are sent.
type HolidayInput struct {
	Name        *string `json:"name,omitempty"`
	Region      *string `json:"region,omitempty"`
	Consecutive *bool   `json:"consecutive,omitempty"`
	EveryYear   *bool   `json:"every_year,omitempty"`
	YearStart   *int    `json:"year_start,omitempty"`
	YearEnd     *int    `json:"year_end,omitempty"`
	MonthStart  *int    `json:"month_start,omitempty"`
	MonthEnd    *int    `json:"month_end,omitempty"`
	DayStart    *int    `json:"day_start,omitempty"`
	DayEnd      *int    `json:"day_end,omitempty"`
	HourStart   *int    `json:"hour_start,omitempty"`
	HourEnd     *int    `json:"hour_end,omitempty"`
	MinuteStart *int    `json:"minute_start,omitempty"`
	MinuteEnd   *int    `json:"minute_end,omitempty"`
}

// ListTenantHolidays lists the tenant's holidays (GET /api/holidays); of
// the options, only Skip and Top apply.
func (c *Client) ListTenantHolidays(ctx context.Context, opts *ListOptions) (*List[Holiday], error) {
	return list[Holiday](ctx, c, "/api/holidays", opts)
}

// CreateTenantHoliday creates a tenant holiday and returns its id (POST
// /api/holidays).
func (c *Client) CreateTenantHoliday(ctx context.Context, in HolidayInput) (string, error) {
	return create(ctx, c, "/api/holidays", in)
}

// GetTenantHoliday returns a tenant holiday (GET /api/holidays/{id}).
func (c *Client) GetTenantHoliday(ctx context.Context, id string) (*Holiday, error) {
	return one[Holiday](ctx, c, pathf("/api/holidays/%s", id))
}

// UpdateTenantHoliday changes a tenant holiday (POST /api/holidays/{id}).
func (c *Client) UpdateTenantHoliday(ctx context.Context, id string, in HolidayInput) error {
	return c.post(ctx, pathf("/api/holidays/%s", id), in, nil)
}

// DeleteTenantHoliday deletes a tenant holiday; nobody observes it any
// more (POST /api/holidays/{id}/destroy).
func (c *Client) DeleteTenantHoliday(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/holidays/%s/destroy", id), nil, nil)
}
