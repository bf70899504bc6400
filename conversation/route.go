package conversation

// The routing engine of the conversation service lives in router.go (the
// per-tenant leader and its index), sweep.go (timed rules), offers.go
// (answers to offers and agent states), transfer.go (transfers,
// conferences, priority) and supervisor.go (the supervisor's view).
