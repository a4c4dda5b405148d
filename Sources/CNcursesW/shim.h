#ifndef TERMPLAYER_CNCURSESW_SHIM_H
#define TERMPLAYER_CNCURSESW_SHIM_H

// Wide-character curses (add_wch, get_wch) only appears with these set before the include.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>
#include <sys/ioctl.h>

// COLOR_PAIR, getmaxyx and the stdscr/COLORS globals are macros or thread-unsafe globals Swift
// cannot import as such.
static inline int tp_color_pair(int pair) { return COLOR_PAIR(pair); }
static inline void tp_screen_size(int *rows, int *columns) { getmaxyx(stdscr, *rows, *columns); }
static inline WINDOW *tp_stdscr(void) { return stdscr; }
static inline int tp_colors(void) { return COLORS; }
static inline int tp_color_pairs(void) { return COLOR_PAIRS; }

// Attributes are NCURSES_BITS macros, and wattr_set may be one too.
static inline int tp_attr_reverse(void) { return A_REVERSE; }
static inline int tp_attr_bold(void) { return A_BOLD; }
static inline int tp_attr_dim(void) { return A_DIM; }
static inline int tp_attr_underline(void) { return A_UNDERLINE; }
static inline void tp_set_attributes(int attributes, short pair) { wattr_set(stdscr, (attr_t)attributes, pair, NULL); }

// ioctl is variadic. The window size as the kernel knows it, for resizeterm after SIGWINCH.
static inline int tp_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

#endif
