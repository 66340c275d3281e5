package edge

import (
	"errors"
	"net/http"

	"mmplay/engine"
	"mmplay/ui/view"
)

// snippetName is the file name compile errors and reports carry, as in
// the playground.
const snippetName = "snippet.c"

// runRequest is POST /api/run's body.
type runRequest struct {
	Code   *string `json:"code"`
	Config string  `json:"config"` // "k=v,…", as the CLI's --config
}

// run runs a snippet to its end and answers the CLI's JSON trace.
func (h *Handler) run(w http.ResponseWriter, r *http.Request) {
	var req runRequest
	if e := readJSON(w, r, &req); e != nil {
		failWith(w, e)
		return
	}
	if req.Code == nil {
		fail(w, http.StatusBadRequest, `the body has no "code" (the snippet to run)`)
		return
	}
	src := []byte(*req.Code)
	if len(src) > view.MaxCodeLen {
		fail(w, http.StatusRequestEntityTooLarge, sizeMessage(len(src)))
		return
	}
	cfg, e := cliConfig(src, req.Config)
	if e != nil {
		failWith(w, e)
		return
	}
	sess, e := compile(src, cfg)
	if e != nil {
		failWith(w, e)
		return
	}
	defer sess.Close()
	if res := sess.Run(); res.Internal != nil {
		failWith(w, internal(res))
		return
	}
	writeJSON(w, http.StatusOK, sess.Trace(), true)
}

func sizeMessage(n int) string {
	return "the snippet is " + itoa(n) + " bytes; the worker takes at most " + itoa(view.MaxCodeLen)
}

// cliConfig is the config the CLI would run src under with --config
// overrides (cmd/mmplay: the defaults, the snippet's line, --config), with
// the worker's step bound as the default.
func cliConfig(src []byte, overrides string) (engine.Config, *apiError) {
	cfg := engine.DefaultConfig()
	cfg.MaxSteps, cfg.MaxMemory = MaxSteps, MaxMemory
	if s := engine.SnippetSettings(src); s != "" {
		if err := cfg.Apply(s); err != nil {
			return cfg, errorf(http.StatusBadRequest, "%s:1:1: bad // mmplay: setting: %v", snippetName, err)
		}
	}
	if err := cfg.Apply(overrides); err != nil {
		return cfg, errorf(http.StatusBadRequest, "config: %v", err)
	}
	return cfg, checkSteps(cfg)
}

// playgroundConfig is the config the playground runs a shared state under
// (ui.Playground.EffectiveConfig: the defaults with a terminal's stdout,
// the state's settings, then the snippet's line), with the worker's step
// bound as the default.
func playgroundConfig(st view.State) (engine.Config, *apiError) {
	cfg := engine.DefaultConfig()
	cfg.Stdout = "tty"
	cfg.MaxSteps, cfg.MaxMemory = MaxSteps, MaxMemory
	if err := cfg.Apply(st.Config); err != nil {
		return cfg, errorf(http.StatusBadRequest, "settings: %v", err)
	}
	if s := engine.SnippetSettings([]byte(st.Code)); s != "" {
		if err := cfg.Apply(s); err != nil {
			return cfg, errorf(http.StatusBadRequest, "line 1, // mmplay: %v", err)
		}
	}
	return cfg, checkSteps(cfg)
}

func checkSteps(cfg engine.Config) *apiError {
	if cfg.MaxSteps > MaxSteps {
		return errorf(http.StatusBadRequest, "too many steps: max-steps=%d is more than the %d statements this worker runs per request (the playground and the CLI run more)", cfg.MaxSteps, MaxSteps)
	}
	return nil
}

// compile compiles src, answering 422 with the compiler's messages when
// it does not compile.
func compile(src []byte, cfg engine.Config) (*engine.Session, *apiError) {
	prog, diags := engine.Compile(snippetName, src, cfg)
	if prog == nil {
		e := errorf(http.StatusUnprocessableEntity, "the snippet does not compile")
		for _, d := range diags {
			e.diags = append(e.diags, d.Error())
		}
		return nil, e
	}
	return engine.NewSession(prog), nil
}

// internal is the answer to an engine failure: where, not the panic.
func internal(res *engine.Result) *apiError {
	var ie *engine.InternalError
	if errors.As(res.Internal, &ie) {
		return errorf(http.StatusInternalServerError, "mmplay failed while running line %d of this snippet (a bug in mmplay, not in the snippet); please report the snippet", ie.Line)
	}
	return errorf(http.StatusInternalServerError, "mmplay could not run this snippet (a bug in mmplay, or a machine it cannot boot); please report the snippet and its config")
}
