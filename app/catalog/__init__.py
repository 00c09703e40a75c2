"""The project catalogue: public pages (views), the record schema's validation and
upsert (records), import/export formats (io) and the staff/member editing form (forms)."""
