"""Search keys of Chinese names: 张三 → ("zhangsan", "zs"), so staff can type either."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=20_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(name or "", style=Style.NORMAL, errors="ignore")]
    full = "".join(syllables)[:200]
    initials = "".join(s[0] for s in syllables if s)[:50]
    return full, initials
