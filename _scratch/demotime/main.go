package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"xieshang/internal/demo"
	"xieshang/internal/store"
)

func main() {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Args[1])
	if err != nil {
		panic(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		panic(err)
	}
	n, _ := strconv.Atoi(os.Args[2])
	t := time.Now()
	logins, err := demo.LoadWith(ctx, db, os.Stdout, demo.Options{CityMembers: n})
	if err != nil {
		panic(err)
	}
	fmt.Println(time.Since(t), len(logins))
}
