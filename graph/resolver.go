package graph

import "github.com/kjb/kjb/domain"

// Resolver is the root resolver: every resolver reaches the rules through Svc.
type Resolver struct {
	Svc *domain.Service
	Hub *Hub
}
