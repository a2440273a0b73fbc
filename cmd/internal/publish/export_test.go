package publish

// SetHook makes f run at each step of a build's swap.
func SetHook(f func(step string)) { hook = f }

// NoExchange makes builds use the swap of systems that cannot exchange
// two folders in one step.
func NoExchange() { exchange = func(a, b string) error { return errNoExchange } }

// SetFastKeep turns the Linux fast way of keeping files on or off.
func SetFastKeep(on bool) { fastKeep = on }
