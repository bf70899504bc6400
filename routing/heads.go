package routing

import "container/heap"

// headHeap holds the classes that can make a decision now (a chat waiting
// and an agent ready), smallest head chat first, so Next takes the best
// in O(1) and keeping it costs O(log C) per change instead of a scan of
// every class of every service per decision. Each change to a class's
// line goes through lineChanged, each change to its ready set through
// readyChanged, and a class that goes away through unlist. A heap rather
// than a treap: classes come and go on every change of load, and a heap
// moves pointers in a slice instead of allocating nodes.
type headHeap []*class

// heap.Interface; Swap, Push and Pop keep each class's pos, so that a
// class can be fixed or removed where it is.
func (h headHeap) Len() int           { return len(h) }
func (h headHeap) Less(i, j int) bool { return lessChat(h[i].head, h[j].head) } // a chat is in one class: no ties
func (h headHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].pos, h[j].pos = i, j
}
func (h *headHeap) Push(v any) {
	cl := v.(*class)
	cl.pos = len(*h)
	*h = append(*h, cl)
}
func (h *headHeap) Pop() any {
	old := *h
	cl := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	cl.pos = -1
	return cl
}

// lineChanged brings cl's head and place in step after its line changed.
func (x *Index) lineChanged(cl *class) {
	head, ok := cl.waiting.Min()
	moved := head != cl.head
	cl.head = head
	if ok && moved && cl.pos >= 0 {
		heap.Fix(&x.heads, cl.pos)
	}
	x.readyChanged(cl)
}

// readyChanged brings cl's place in step after its ready set changed. The
// head is kept by lineChanged, so this path, taken in every class of an
// agent's services on every change of load, does not walk the line.
func (x *Index) readyChanged(cl *class) {
	want := cl.ready.Len() > 0 && cl.waiting.Len() > 0
	switch {
	case want && cl.pos < 0:
		heap.Push(&x.heads, cl)
	case !want:
		x.unlist(cl)
	}
}

// unlist takes cl out of the heap.
func (x *Index) unlist(cl *class) {
	if cl.pos >= 0 {
		heap.Remove(&x.heads, cl.pos)
	}
}
