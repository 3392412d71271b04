# convention: naming policy (Alembic/SQLAlchemy naming-convention tokens).
pkglib_LTLIBRARIES += plugins/convention.la
plugins_convention_la_SOURCES = plugins/convention/convention.c
plugins_convention_la_CFLAGS = $(PLUGINCFLAGS)
plugins_convention_la_LDFLAGS = $(PLUGINLDFLAGS)
