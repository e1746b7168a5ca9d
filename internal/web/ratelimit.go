package web

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are token buckets: Every is the time to earn one more attempt,
// Burst how many may be spent at once.
type Limits struct {
	LoginPerIP, LoginPerAccount, SignupPerIP, ActionPerUser Limit
	// TokenPerUser counts API tokens made (account page and API);
	// MeetingPerUser counts meeting requests and invitations sent (pages
	// and API).
	TokenPerUser, MeetingPerUser Limit
}

// Limit is one bucket's shape.
type Limit struct {
	Every time.Duration
	Burst int
}

func (l Limits) withDefaults() Limits {
	def := func(v *Limit, every time.Duration, burst int) {
		if v.Every == 0 {
			v.Every = every
		}
		if v.Burst == 0 {
			v.Burst = burst
		}
	}
	// A delegation may share one office address, so per-IP limits are
	// generous and only stop floods; per-account limits stop guessing.
	def(&l.LoginPerIP, 2*time.Second, 60)
	def(&l.LoginPerAccount, time.Minute, 10)
	def(&l.SignupPerIP, 10*time.Second, 30)
	def(&l.ActionPerUser, 200*time.Millisecond, 120)
	// Ten tokens at once, then one every six minutes; a request flood
	// cannot fill exhibitors' inboxes (the store also caps open requests).
	def(&l.TokenPerUser, 6*time.Minute, 10)
	def(&l.MeetingPerUser, 30*time.Second, 30)
	return l
}

// limiters are in-memory, per process. Behind a load balancer each instance
// counts on its own, which multiplies the limits by the instance count.
type limiters struct {
	loginIP, loginAccount, signupIP, action *keyedLimiter
	token, meeting                          *keyedLimiter
}

func newLimiters(l Limits) *limiters {
	return &limiters{
		loginIP: newKeyed(l.LoginPerIP), loginAccount: newKeyed(l.LoginPerAccount),
		signupIP: newKeyed(l.SignupPerIP), action: newKeyed(l.ActionPerUser),
		token: newKeyed(l.TokenPerUser), meeting: newKeyed(l.MeetingPerUser),
	}
}

func (ls *limiters) pruneLoop(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, k := range []*keyedLimiter{ls.loginIP, ls.loginAccount, ls.signupIP, ls.action, ls.token, ls.meeting} {
				k.prune()
			}
		}
	}
}

type keyedLimiter struct {
	mu      sync.Mutex
	limit   Limit
	buckets map[string]*rate.Limiter
	// refused marks keys refused since their last allowed attempt, so a
	// flood is recorded once (audit log), not once per request.
	refused map[string]bool
}

func newKeyed(l Limit) *keyedLimiter {
	return &keyedLimiter{limit: l, buckets: map[string]*rate.Limiter{}, refused: map[string]bool{}}
}

// allow spends one attempt for key; when none is left it reports how long
// to wait for the next.
func (k *keyedLimiter) allow(key string) (time.Duration, bool) {
	wait, ok, _ := k.allowNoting(key)
	return wait, ok
}

// allowNoting is allow that also says whether this refusal is the first
// since key was last allowed.
func (k *keyedLimiter) allowNoting(key string) (wait time.Duration, ok, first bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, found := k.buckets[key]
	if !found {
		b = rate.NewLimiter(rate.Every(k.limit.Every), k.limit.Burst)
		k.buckets[key] = b
	}
	now := time.Now()
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		first = !k.refused[key]
		k.refused[key] = true
		return d, false, first
	}
	delete(k.refused, key)
	return 0, true, false
}

// prune forgets full buckets; they behave exactly like new ones.
func (k *keyedLimiter) prune() {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := time.Now()
	for key, b := range k.buckets {
		if b.TokensAt(now) >= float64(k.limit.Burst) {
			delete(k.buckets, key)
			delete(k.refused, key)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
