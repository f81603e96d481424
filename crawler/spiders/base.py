"""What every legistrack spider shares: the config it crawls for (given, or read like the CLI
reads it when run as `scrapy crawl NAME`), and the hosts it may fetch."""

from __future__ import annotations

from typing import Any

import scrapy

from crawler.middlewares import hosts_of
from models.config import Config, find_config_path, load_config


class ConfiguredSpider(scrapy.Spider):
    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.config is None:  # run as `scrapy crawl NAME`
            path = crawler.settings.get("LEGISTRACK_CONFIG_PATH") or find_config_path(None)
            spider.config = load_config(path)
        return spider

    @property
    def conf(self) -> Config:
        assert self.config is not None
        return self.config

    def source_urls(self) -> list[str]:
        """The URLs config.toml names for this source (their hosts are the allowed ones)."""
        raise NotImplementedError

    @property
    def allowed_hosts(self) -> set[str]:
        """The hosts config.toml names for this source; nothing else is fetched."""
        return hosts_of(self.source_urls())
