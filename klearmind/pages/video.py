"""Turning a video page address into the player address loaded after the visitor's click."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{4,12}$")
_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}


class UnsupportedVideo(ValueError):
    """The address is not a YouTube or Vimeo video we know how to play."""


@dataclass(frozen=True)
class VideoSource:
    provider: str
    video_id: str

    @property
    def player_url(self) -> str:
        """The player, asked not to track: YouTube's no-cookie host, Vimeo's do-not-track flag."""
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1&rel=0"
        return f"https://player.vimeo.com/video/{self.video_id}?autoplay=1&dnt=1"

    @property
    def watch_url(self) -> str:
        if self.provider == "YouTube":
            return f"https://www.youtube.com/watch?v={self.video_id}"
        return f"https://vimeo.com/{self.video_id}"


def parse_video_url(url: str) -> VideoSource:
    parsed = urlparse(url.strip())
    if parsed.scheme not in {"http", "https"}:
        raise UnsupportedVideo("Use a full https:// address of a YouTube or Vimeo video.")
    host = (parsed.hostname or "").lower()
    segments = [part for part in parsed.path.split("/") if part]
    candidate = ""
    if host in _YOUTUBE_HOSTS:
        if segments[:1] == ["watch"]:
            candidate = parse_qs(parsed.query).get("v", [""])[0]
        elif len(segments) == 2 and segments[0] in {"embed", "shorts", "live"}:
            candidate = segments[1]
        if _YOUTUBE_ID.match(candidate):
            return VideoSource("YouTube", candidate)
    elif host == "youtu.be" and len(segments) == 1 and _YOUTUBE_ID.match(segments[0]):
        return VideoSource("YouTube", segments[0])
    elif host in {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}:
        candidate = segments[-1] if segments else ""
        if _VIMEO_ID.match(candidate):
            return VideoSource("Vimeo", candidate)
    raise UnsupportedVideo("This address is not a YouTube or Vimeo video we can play.")
