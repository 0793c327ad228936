// Tests for this module live beside this file; replaced as the module lands.
