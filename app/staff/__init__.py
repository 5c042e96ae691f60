"""The staff workspace shell: the home page after sign-in."""
