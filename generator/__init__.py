"""qingdan: publish a township responsibility list as a static website."""
