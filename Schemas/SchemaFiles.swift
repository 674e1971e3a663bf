enum SchemaFiles {}
