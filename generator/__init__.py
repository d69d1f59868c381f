"""暖企服务工程 publishing system: spreadsheets in, a static site out."""
