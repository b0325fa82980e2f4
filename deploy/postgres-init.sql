-- Generated from services/registry.py by `python -m services.registry generate`; do not edit.
-- One PostgreSQL server, one database per service: no service can read another's tables.
CREATE DATABASE identity;
CREATE DATABASE customers;
CREATE DATABASE sales;
CREATE DATABASE reporting;
CREATE DATABASE webhooks;
CREATE DATABASE audit;
CREATE DATABASE marketing;
CREATE DATABASE service_desk;
CREATE DATABASE procurement;
