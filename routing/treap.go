package routing

// treap is an ordered set: insert, delete and minimum in O(log n) expected
// time, in-order iteration from the smallest key. Node priorities come
// from a fixed-seed generator, so the same operations always build the same
// tree (deterministic, reproducible tests and benchmarks).
type treap[K any] struct {
	root *tnode[K]
	less func(a, b K) bool
	n    int
	rnd  uint64
}

type tnode[K any] struct {
	key         K
	prio        uint64
	left, right *tnode[K]
}

func newTreap[K any](less func(a, b K) bool) *treap[K] {
	return &treap[K]{less: less, rnd: 0x9E3779B97F4A7C15}
}

func (t *treap[K]) next() uint64 {
	// xorshift64*
	t.rnd ^= t.rnd >> 12
	t.rnd ^= t.rnd << 25
	t.rnd ^= t.rnd >> 27
	return t.rnd * 2685821657736338717
}

// Len is the number of keys.
func (t *treap[K]) Len() int { return t.n }

// split cuts n into keys < k and keys >= k.
func (t *treap[K]) split(n *tnode[K], k K) (l, r *tnode[K]) {
	if n == nil {
		return nil, nil
	}
	if t.less(n.key, k) {
		n.right, r = t.split(n.right, k)
		return n, r
	}
	l, n.left = t.split(n.left, k)
	return l, n
}

// merge joins l and r, every key of l being smaller than every key of r.
func (t *treap[K]) merge(l, r *tnode[K]) *tnode[K] {
	switch {
	case l == nil:
		return r
	case r == nil:
		return l
	case l.prio > r.prio:
		l.right = t.merge(l.right, r)
		return l
	default:
		r.left = t.merge(l, r.left)
		return r
	}
}

// Insert adds k; the caller never inserts a key already present.
func (t *treap[K]) Insert(k K) {
	nn := &tnode[K]{key: k, prio: t.next()}
	l, r := t.split(t.root, k)
	t.root = t.merge(t.merge(l, nn), r)
	t.n++
}

// Delete removes the key equal to k (neither less than the other) and
// reports whether it was there.
func (t *treap[K]) Delete(k K) bool {
	var found bool
	t.root = t.del(t.root, k, &found)
	if found {
		t.n--
	}
	return found
}

func (t *treap[K]) del(n *tnode[K], k K, found *bool) *tnode[K] {
	if n == nil {
		return nil
	}
	switch {
	case t.less(k, n.key):
		n.left = t.del(n.left, k, found)
	case t.less(n.key, k):
		n.right = t.del(n.right, k, found)
	default:
		*found = true
		return t.merge(n.left, n.right)
	}
	return n
}

// Min returns the smallest key.
func (t *treap[K]) Min() (K, bool) {
	n := t.root
	if n == nil {
		var zero K
		return zero, false
	}
	for n.left != nil {
		n = n.left
	}
	return n.key, true
}

// Ascend calls fn on the keys from the smallest until fn returns false.
func (t *treap[K]) Ascend(fn func(K) bool) {
	var stack []*tnode[K]
	n := t.root
	for n != nil || len(stack) > 0 {
		for n != nil {
			stack = append(stack, n)
			n = n.left
		}
		n = stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !fn(n.key) {
			return
		}
		n = n.right
	}
}
