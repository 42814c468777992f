// Tests for E.164 normalisation are being written.
