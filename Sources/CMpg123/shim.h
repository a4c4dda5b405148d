#ifndef TERMPLAYER_CMPG123_SHIM_H
#define TERMPLAYER_CMPG123_SHIM_H

// libmpg123's header maps mpg123_param → mpg123_param2 and friends with macros, which Swift does not
// import; the MPEGAudio facade calls the *2 names directly. Nothing in the API is variadic.
#include <mpg123.h>

#endif
