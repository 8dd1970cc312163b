package model

import (
	"reflect"
	"testing"
)

func TestLimits(t *testing.T) {
	type item struct {
		Key string `json:"key" maxLength:"8"`
	}
	type body struct {
		Name  string `json:"name" maxLength:"64"`
		Count int    `json:"count" minimum:"-1" maximum:"99"`
		Items []item `json:"items" maxItems:"3"`
		Free  string `json:"free"`
		BLF
	}
	l := Limits(reflect.TypeFor[body]())
	if l["name"].MaxLength != 64 || *l["count"].Minimum != -1 || *l["count"].Maximum != 99 || l["items"].MaxItems != 3 ||
		l["items.key"].MaxLength != 8 || l["key"].MaxLength != 32 {
		t.Fatalf("limits %+v", l)
	}
	if _, ok := l["free"]; ok {
		t.Fatal("a member without bounds is listed")
	}
	if bound[body]("maxItems", "items") != 3 || bound[UserFields]("maximum", "max_bindings") != 100 {
		t.Fatal("bound")
	}
	for _, c := range []struct{ key, path string }{{"maxLength", "free"}, {"maxItems", "name"}, {"minimum", "nope"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("bound(%s, %s) did not panic", c.key, c.path)
				}
			}()
			bound[body](c.key, c.path)
		}()
	}
}
