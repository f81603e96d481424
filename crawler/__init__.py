"""The Scrapy project of legistrack: spiders, pure parsers, items, and the storing pipelines."""
