package client_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/client"
)

// An Admin signs in, creates a user, changes one field and lists the
// enabled users.
func Example() {
	ctx := context.Background()
	c := client.New("http://127.0.0.1:8887")
	tok, err := c.SignIn(ctx, client.SignInRequest{Username: "alice", Password: "Alice-pass-2024", Domain: "acme.example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	adm := c.With(client.WithToken(tok.AccessToken))
	id, err := adm.CreateUser(ctx, client.UserCreate{Name: "bob", Email: "bob@acme.example",
		ExtensionNumber: "102", Password: "Bob-pass-2024"})
	var e *client.Error
	if errors.As(err, &e) && e.Status == 409 {
		fmt.Println("taken:", e.Field())
		return
	}
	// Only the department is sent; the other fields keep their value.
	if err := adm.UpdateUser(ctx, id, client.UserUpdate{Department: client.Ptr("Billing")}); err != nil {
		fmt.Println(err)
		return
	}
	for u, err := range client.All(ctx, adm.ListUsers, &client.ListOptions{Filter: "enabled eq true", OrderBy: "name"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(u.Name, u.ExtensionNumber)
	}
}

// A user's settings are reached in two forms: Me for the signed-in user,
// ForUser for an admin.
func ExampleClient_ForUser() {
	ctx := context.Background()
	adm := client.New("http://127.0.0.1:8887", client.WithToken("sba_..."))
	phones, err := adm.ForUser("USER-ID").Phones().List(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range phones {
		fmt.Println(p.MAC, p.Vendor, p.Model)
	}
}
