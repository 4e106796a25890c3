package web

func (s *Server) memberRoutes() []Route { return nil }

// importTracker follows roster imports in progress on this node.
type importTracker struct{}

func newImportTracker() *importTracker { return &importTracker{} }
