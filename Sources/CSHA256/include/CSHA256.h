#ifndef REVTAG_CSHA256_H
#define REVTAG_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SHA extensions (and SSSE3/SSE4.1) that
/// revtag_sha256_blocks needs, else 0 (always 0 off x86).
int revtag_sha256_hardware_available(void);

/// Compresses `blocks` 64-byte blocks at `data` into `state` (H0..H7) with the SHA
/// instructions. Call only when revtag_sha256_hardware_available() returned 1.
void revtag_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
