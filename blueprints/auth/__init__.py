"""Login, captcha, token refresh and logout (contract §3)."""
