"""Award programmes: the public pages (views) and the edition documents' import (io)."""
