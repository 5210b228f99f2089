"""Knowledge as data: the gazetteer and the tables of organs, people, roles and terms."""
