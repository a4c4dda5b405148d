/// The API's OpenAPI 3.1 description, served at `/openapi.json`.
///
/// Kept in the binary (not a resource file) so a copied `termplayer` serves it too. A test checks that
/// its paths and methods are exactly the router's, and that real responses have the documented fields.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "TermPlayer library service",
        "version": "1.0.0",
        "description": "Songs, genres and their media, ingested from bundles (<id>.json + <id>.mp3 + optional <id>.jpg/.png) stored in a bucket. Reads are open; writes need the service's bearer token."
      },
      "paths": {
        "/songs": {
          "get": {
            "summary": "List songs ordered by title",
            "operationId": "listSongs",
            "parameters": [
              {"name": "genre", "in": "query", "description": "Genre name (any case) or id", "schema": {"type": "string"}},
              {"name": "artist", "in": "query", "description": "Exact artist name, any case", "schema": {"type": "string"}},
              {"name": "album", "in": "query", "description": "Exact album name, any case", "schema": {"type": "string"}},
              {"name": "q", "in": "query", "description": "Words that must all appear in title, artist or album (any case or accent)", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0}},
              {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}
            ],
            "responses": {
              "200": {"description": "Songs", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Song"}}}}},
              "400": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/songs/{id}": {
          "get": {
            "summary": "One song",
            "operationId": "getSong",
            "parameters": [{"$ref": "#/components/parameters/BundleID"}],
            "responses": {
              "200": {"description": "The song", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Song"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/genres": {
          "get": {
            "summary": "List genres ordered by id, with song counts",
            "operationId": "listGenres",
            "responses": {
              "200": {"description": "Genres", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Genre"}}}}}
            }
          }
        },
        "/media/{key}": {
          "get": {
            "summary": "An object's bytes; single byte ranges are honoured",
            "operationId": "getMedia",
            "parameters": [
              {"name": "key", "in": "path", "required": true, "description": "<id>.mp3, <id>.jpg, <id>.png or <id>.json", "schema": {"type": "string"}},
              {"name": "Range", "in": "header", "schema": {"type": "string", "example": "bytes=0-1023"}},
              {"name": "If-Range", "in": "header", "schema": {"type": "string"}},
              {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "The whole object", "headers": {"ETag": {"schema": {"type": "string"}}, "Accept-Ranges": {"schema": {"type": "string"}}}, "content": {"audio/mpeg": {}, "image/jpeg": {}, "image/png": {}, "application/json": {}}},
              "206": {"description": "The requested range", "headers": {"Content-Range": {"schema": {"type": "string"}}}, "content": {"audio/mpeg": {}, "image/jpeg": {}, "image/png": {}, "application/json": {}}},
              "304": {"description": "Not modified (If-None-Match)"},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "416": {"$ref": "#/components/responses/Error"}
            }
          },
          "head": {
            "summary": "An object's headers",
            "operationId": "headMedia",
            "parameters": [{"name": "key", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Headers of the whole object"}, "404": {"description": "No such object"}}
          }
        },
        "/bundles/{id}": {
          "get": {
            "summary": "A bundle's objects and ingest state",
            "operationId": "getBundle",
            "parameters": [{"$ref": "#/components/parameters/BundleID"}],
            "responses": {
              "200": {"description": "The bundle", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BundleReport"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          },
          "delete": {
            "summary": "Delete a bundle's objects and its song",
            "operationId": "deleteBundle",
            "security": [{"bearer": []}],
            "parameters": [{"$ref": "#/components/parameters/BundleID"}],
            "responses": {
              "200": {"description": "Deleted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BundleReport"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/events/s3": {
          "post": {
            "summary": "S3 event notifications (MinIO webhooks, SNS HTTP subscriptions): named bundle objects are queued for ingest",
            "operationId": "postS3Events",
            "security": [{"bearer": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {
              "202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/bundles/{id}/{file}": {
          "put": {
            "summary": "Upload one object of a bundle; its arrival triggers ingest",
            "operationId": "putBundleObject",
            "security": [{"bearer": []}],
            "parameters": [
              {"$ref": "#/components/parameters/BundleID"},
              {"name": "file", "in": "path", "required": true, "description": "<id>.json, <id>.mp3, <id>.jpg or <id>.png", "schema": {"type": "string"}}
            ],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {
              "200": {"description": "Replaced; the body says how ingest went", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadReceipt"}}}},
              "201": {"description": "Created; the body says how ingest went", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/status": {
          "get": {
            "summary": "Counts, stores, and bundles that are pending or were rejected, with reasons",
            "operationId": "getStatus",
            "responses": {"200": {"description": "Status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LibraryStatus"}}}}}
          }
        },
        "/healthz": {
          "get": {
            "summary": "Liveness",
            "operationId": "health",
            "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "summary": "This document",
            "operationId": "openAPI",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}
          }
        }
      },
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "parameters": {
          "BundleID": {"name": "id", "in": "path", "required": true, "description": "Letters, digits, '-', '_' and '.', not starting with '.', at most 128", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"}}
        },
        "responses": {
          "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Song": {
            "type": "object",
            "required": ["title", "album", "artist", "genre", "year", "file", "image", "id", "genreid", "duration", "bitrate"],
            "properties": {
              "title": {"type": "string"},
              "album": {"type": "string"},
              "artist": {"type": "string"},
              "genre": {"type": "string"},
              "year": {"type": ["integer", "null"]},
              "file": {"type": "string", "format": "uri"},
              "image": {"type": ["string", "null"], "format": "uri"},
              "id": {"type": "string"},
              "genreid": {"type": "integer"},
              "duration": {"type": "number", "description": "Seconds"},
              "bitrate": {"type": "integer", "description": "Average kbit/s"}
            }
          },
          "Genre": {
            "type": "object",
            "required": ["genreid", "genre", "songs"],
            "properties": {"genreid": {"type": "integer"}, "genre": {"type": "string"}, "songs": {"type": "integer"}}
          },
          "BundleState": {"type": "string", "enum": ["ingested", "pending", "rejected", "absent"]},
          "BundleReport": {
            "type": "object",
            "required": ["id", "state", "objects"],
            "properties": {
              "id": {"type": "string"},
              "state": {"$ref": "#/components/schemas/BundleState"},
              "reason": {"type": "string"},
              "objects": {"type": "array", "items": {"type": "string"}},
              "song": {"$ref": "#/components/schemas/Song"}
            }
          },
          "EventsReceipt": {
            "type": "object",
            "required": ["queued", "ignored"],
            "properties": {
              "queued": {"type": "array", "items": {"type": "string"}},
              "ignored": {"type": "array", "items": {"type": "object", "required": ["key", "reason"], "properties": {"key": {"type": "string"}, "reason": {"type": "string"}}}}
            }
          },
          "UploadReceipt": {
            "type": "object",
            "required": ["key", "bytes", "bundle"],
            "properties": {"key": {"type": "string"}, "bytes": {"type": "integer"}, "bundle": {"$ref": "#/components/schemas/BundleReport"}}
          },
          "BundleProblem": {
            "type": "object",
            "required": ["bundle", "state", "reason", "since"],
            "properties": {"bundle": {"type": "string"}, "state": {"$ref": "#/components/schemas/BundleState"}, "reason": {"type": "string"}, "since": {"type": "string", "format": "date-time"}}
          },
          "LibraryStatus": {
            "type": "object",
            "required": ["songs", "genres", "storage", "catalog", "problems"],
            "properties": {
              "songs": {"type": "integer"},
              "genres": {"type": "integer"},
              "storage": {"type": "string"},
              "catalog": {"type": "string"},
              "problems": {"type": "array", "items": {"$ref": "#/components/schemas/BundleProblem"}}
            }
          },
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
        }
      }
    }
    """#
}
