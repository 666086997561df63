// C shim for ncursesw: Swift cannot import C macros such as getmaxyx, COLOR_PAIR or A_BOLD,
// and Swift 6 rejects mutable C globals such as COLORS. Each is wrapped here in a static
// inline function; no value is re-created by hand.
#ifndef ANYCAST_CNCURSESW_SHIM_H
#define ANYCAST_CNCURSESW_SHIM_H

// The wide-character API (cchar_t, setcchar, wget_wch) without feature-test macros such as
// _XOPEN_SOURCE: those would change how glibc's own headers declare their structs here, and
// clash with the same headers as Dispatch and Foundation import them.
#define NCURSES_WIDECHAR 1

#include <execinfo.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *ac_stdscr(void) { return stdscr; }
static inline int ac_colors(void) { return COLORS; }
static inline int ac_color_pairs(void) { return COLOR_PAIRS; }
static inline int ac_lines(void) { return LINES; }
static inline int ac_cols(void) { return COLS; }
static inline void ac_getmaxyx(WINDOW *w, int *rows, int *cols) { int y, x; getmaxyx(w, y, x); *rows = y; *cols = x; }

static inline attr_t ac_a_normal(void) { return A_NORMAL; }
static inline attr_t ac_a_bold(void) { return A_BOLD; }
static inline attr_t ac_a_reverse(void) { return A_REVERSE; }
static inline attr_t ac_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ac_a_dim(void) { return A_DIM; }
static inline attr_t ac_a_altcharset(void) { return A_ALTCHARSET; }

static inline int ac_key_resize(void) { return KEY_RESIZE; }
static inline int ac_key_up(void) { return KEY_UP; }
static inline int ac_key_down(void) { return KEY_DOWN; }
static inline int ac_key_left(void) { return KEY_LEFT; }
static inline int ac_key_right(void) { return KEY_RIGHT; }
static inline int ac_key_ppage(void) { return KEY_PPAGE; }
static inline int ac_key_npage(void) { return KEY_NPAGE; }
static inline int ac_key_home(void) { return KEY_HOME; }
static inline int ac_key_end(void) { return KEY_END; }
static inline int ac_key_enter(void) { return KEY_ENTER; }
static inline int ac_key_backspace(void) { return KEY_BACKSPACE; }
static inline int ac_key_btab(void) { return KEY_BTAB; }
static inline int ac_key_code_yes(void) { return KEY_CODE_YES; }
static inline int ac_err(void) { return ERR; }

// The mouse: the events the dashboard takes (clicks, double clicks, the wheel), and one read
// of the event behind a KEY_MOUSE as plain values.
static inline int ac_key_mouse(void) { return KEY_MOUSE; }
static inline void ac_mouse_on(void) {
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(200);
}
static inline void ac_mouse_off(void) { mousemask(0, NULL); }
/// 1 click, 2 double click, 4 wheel up, 5 wheel down, 0 anything else; -1 when no event.
static inline int ac_read_mouse(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return -1;
    *x = e.x;
    *y = e.y;
    if (e.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
    if (e.bstate & BUTTON1_CLICKED) return 1;
    if (e.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (e.bstate & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}

/// Reads one wide character or key code without waiting; returns OK, KEY_CODE_YES or ERR.
static inline int ac_get_wch(wint_t *ch) { return wget_wch(stdscr, ch); }

/// Draws one cell: the wide string `text` (one grapheme) with attributes and colour pair.
static inline int ac_put_cell(int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t cc;
    if (setcchar(&cc, text, attrs, (short)0, &pair) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cc);
}

/// The terminal's size from the kernel (after SIGWINCH), or -1.
static inline int ac_terminal_size(int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col;
    return 0;
}

/// Starts curses like initscr, but returns NULL instead of exiting when it cannot.
static inline SCREEN *ac_newterm(void) { return newterm(NULL, stdout, stdin); }

static void ac_crash_handler(int sig) {
    endwin();                 // give the operator their terminal back, then die as before
    static const char msg[] = "anycast-dash: crashed; backtrace:\n";
    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    signal(sig, SIG_DFL);
    raise(sig);
}

/// Restores the terminal on a crash (Swift traps are SIGILL/SIGTRAP) before the default action.
static inline void ac_install_crash_handler(void) {
    int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], ac_crash_handler);
}

// Last: term.h defines every capability's name (lines, clear_screen, ...) as a macro, so no
// name below may be one.
#include <ncursesw/term.h>

/// A string capability of the current terminal (the one curses drives, or the one probed),
/// or NULL when it has none.
static inline const char *ac_string_cap(const char *name) {
    const char *value = tigetstr(name);
    return value == (char *)-1 ? NULL : value;
}

/// What terminfo says about a terminal type: enough to tell whether curses can drive it.
typedef struct {
    int found;              // setupterm accepted it (a known, not hardcopy, not generic type)
    int cursor_addressing;  // cup: move the cursor to any cell
    int can_clear;          // clear: clear the whole screen
} ac_terminal_caps;

/// Reads terminfo for `term` without writing anything to the terminal, and lets it go again.
static inline ac_terminal_caps ac_probe_terminal(const char *term, int fd) {
    ac_terminal_caps caps = { 0, 0, 0 };
    int status = 0;
    if (setupterm(term, fd, &status) != OK) return caps;
    caps.found = 1;
    caps.cursor_addressing = ac_string_cap("cup") != NULL;
    caps.can_clear = ac_string_cap("clear") != NULL;
    del_curterm(cur_term);
    return caps;
}

/// A boolean capability of the terminal curses drives (1 or 0).
static inline int ac_flag_cap(const char *name) { return tigetflag(name) > 0; }

/// A numeric capability of the terminal curses drives, or -1 when it has none.
static inline int ac_number_cap(const char *name) { int n = tigetnum(name); return n < 0 ? -1 : n; }

/// `cap` with one or two numbers put in (`setaf`, `cup`); curses' buffer, valid until the next call.
static inline const char *ac_tparm1(const char *cap, int a) { return tiparm(cap, a); }
static inline const char *ac_tparm2(const char *cap, int a, int b) { return tiparm(cap, a, b); }

/// The locale's character set is UTF-8.
static inline int ac_locale_is_utf8(void) {
    const char *set = nl_langinfo(CODESET);
    return set != NULL && (strcmp(set, "UTF-8") == 0 || strcmp(set, "utf8") == 0);
}

/// Marks stdscr as drawn, so that reading a key does not repaint it: after a resize curses
/// would otherwise paint its own empty stdscr over the frame written without it.
static inline void ac_settle_stdscr(void) { wnoutrefresh(stdscr); }

#endif
