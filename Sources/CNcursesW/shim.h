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

// COLOR_PAIR, getmaxyx and the stdscr/COLORS globals are macros or thread-unsafe globals Swift
// cannot import as such.
static inline int tp_color_pair(int pair) { return COLOR_PAIR(pair); }
static inline void tp_screen_size(int *rows, int *columns) { getmaxyx(stdscr, *rows, *columns); }
static inline WINDOW *tp_stdscr(void) { return stdscr; }
static inline int tp_colors(void) { return COLORS; }

#endif
