package demo

import "context"

func (pl *provLoader) assist(ctx context.Context) error     { return nil }
func (pl *provLoader) visits(ctx context.Context) error     { return nil }
func (pl *provLoader) activities(ctx context.Context) error { return nil }
func (pl *provLoader) rebuild(ctx context.Context) error    { return nil }
