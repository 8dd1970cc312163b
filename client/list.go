package client

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// List is one page of a list: Count is the number of items matching the
// query in all pages, Items those of this page.
type List[T any] struct {
	Count int `json:"count"`
	Items []T `json:"items"`
}

// items is the answer of the lists that have no count.
type items[T any] struct {
	Items []T `json:"items"`
}

// idBody is the answer of a create: {"id": ...}.
type idBody struct {
	ID string `json:"id"`
}

// ListOptions are the query language of the lists that take it (users,
// tenants, roles, groups, contacts, call records, ...). Zero fields are
// left out, so the server's defaults apply.
type ListOptions struct {
	// Filter is an OData-style expression: eq ne gt ge lt le, and or not,
	// parentheses, contains(f,'x'), startswith(f,'x'), endswith(f,'x').
	Filter string
	// Search holds words that must all appear in the resource's text
	// fields, ignoring case and accents.
	Search string
	// OrderBy is "field [asc|desc]", comma-separated.
	OrderBy string
	// Skip is how many items to skip (default 0).
	Skip int
	// Top is the page size, 1 to 100 (default 100).
	Top int
}

// values returns the options as query parameters.
func (o *ListOptions) values() url.Values {
	if o == nil {
		return nil
	}
	v := url.Values{}
	for k, s := range map[string]string{"filter": o.Filter, "search": o.Search, "orderby": o.OrderBy} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if o.Skip != 0 {
		v.Set("skip", strconv.Itoa(o.Skip))
	}
	if o.Top != 0 {
		v.Set("top", strconv.Itoa(o.Top))
	}
	return v
}

// All pages through a list, from opts.Skip on, and yields every item; it
// stops at the first error, which it yields. page is a list method of the
// client, e.g.
//
//	for u, err := range client.All(ctx, c.ListUsers, &client.ListOptions{OrderBy: "name"}) { ... }
//
// Items created or deleted while it pages may be missed or seen twice.
func All[T any](ctx context.Context, page func(context.Context, *ListOptions) (*List[T], error), opts *ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		o := ListOptions{}
		if opts != nil {
			o = *opts
		}
		if o.Top == 0 {
			o.Top = 100
		}
		for {
			l, err := page(ctx, &o)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range l.Items {
				if !yield(it, nil) {
					return
				}
			}
			o.Skip += len(l.Items)
			if len(l.Items) < o.Top || o.Skip >= l.Count {
				return
			}
		}
	}
}

// list fetches one page of a list that takes the query language.
func list[T any](ctx context.Context, c *Client, path string, opts *ListOptions) (*List[T], error) {
	var l List[T]
	if err := c.get(ctx, path, opts.values(), &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// itemsOf fetches a list without count or paging.
func itemsOf[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	var l items[T]
	if err := c.get(ctx, path, nil, &l); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// one fetches one object.
func one[T any](ctx context.Context, c *Client, path string) (*T, error) {
	var v T
	if err := c.get(ctx, path, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// create posts in and returns the new object's id.
func create(ctx context.Context, c *Client, path string, in any) (string, error) {
	var out idBody
	if err := c.post(ctx, path, in, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}
