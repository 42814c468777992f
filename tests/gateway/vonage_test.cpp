// Tests for this adapter are being written.
