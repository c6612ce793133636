import pytest

from klearmind.pages.video import UnsupportedVideo, parse_video_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    ],
)
def test_reads_youtube_addresses_and_plays_them_from_the_no_cookie_host(url):
    source = parse_video_url(url)
    assert source.provider == "YouTube"
    assert source.video_id == "dQw4w9WgXcQ"
    assert source.player_url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?")
    assert source.watch_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_reads_vimeo_addresses_and_asks_vimeo_not_to_track():
    source = parse_video_url("https://vimeo.com/76979871")
    assert (source.provider, source.video_id) == ("Vimeo", "76979871")
    assert source.player_url == "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ"><script>',
        "https://youtu.be/",
        "https://vimeo.com/not-a-number",
        "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        "",
    ],
)
def test_refuses_anything_that_is_not_a_known_video(url):
    with pytest.raises(UnsupportedVideo):
        parse_video_url(url)
