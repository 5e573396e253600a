package ui

// common is what every screen of one user's Model shares: its
// dependencies, styles, keys, and the terminal's size, which only the root
// model sets.
type common struct {
	deps   Deps
	styles *Styles
	keys   keyMap
	// actions is the lesson screen's key table (lesson_keys.go), built
	// once from keys.
	actions []action
	width   int
	height  int
	// runs counts the lesson runs this Model started; published is the
	// last state a teacher published, followRun the teacher's run a
	// follower mirrors (follow.go).
	runs      int
	gens      int // the lesson screens' run generations (runLink.gens)
	published FollowState
	followRun int
	// room is the class as last told (a teacher); chart shows the
	// answers' distribution, not only how many answered.
	room  *Room
	chart bool
	// latest is the teacher's newest state (a follower), exploring
	// whether the student left it for a run of their own; locked, whether
	// the teacher keeps the class on their step.
	latest    FollowState
	exploring bool
	locked    bool
	ending    bool // the teacher pressed q once: a second q ends the class
	// picks are a following student's answers in the teacher's current
	// run, by question: coming back from exploring replays the run, and
	// the answers given count again.
	picks    map[string]int
	pickedIn int // the teacher's run the picks are from
}
