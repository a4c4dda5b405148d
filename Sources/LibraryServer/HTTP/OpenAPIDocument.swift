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
        "description": "Songs, genres and their media, ingested from bundles (<id>.json + <id>.mp3 + optional <id>.jpg/.png) stored in a bucket; and each listener's likes, ratings, plays and playlists. Reads of the library are open; changing it needs the service's bearer token. Listener routes act as the caller: a login token (POST /login), an API key, HTTP Basic, or the service's token (the machine owner's local listener, which is also every request's when no accounts exist and the service listens on loopback only). Every answer names the catalog in X-Catalog-Id."
      },
      "paths": {
        "/rest/{method}": {
          "get": {
            "summary": "The OpenSubsonic API (Subsonic 1.16.1): NAME or NAME.view, parameters in the query",
            "operationId": "subsonicGet",
            "description": "Answers in XML by default, f=json or f=jsonp with callback. Authenticates with u and p (plain or enc:HEX), u with t = md5(password + salt) and s, or apiKey; with no accounts on a loopback-only service, any request is the local listener's. Errors are HTTP 200 with status failed and the Subsonic error code; stream and getCoverArt answer bytes (Range honoured).",
            "parameters": [
              {"name": "method", "in": "path", "required": true, "description": "A Subsonic method, with or without .view", "schema": {"type": "string"}},
              {"name": "f", "in": "query", "description": "xml (the default, also for a format it does not know), json or jsonp", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "A subsonic-response envelope, or a song's or cover's bytes", "content": {"text/xml": {}, "application/json": {}, "application/javascript": {}, "audio/mpeg": {}, "image/jpeg": {}}},
              "206": {"description": "The requested range of a song (stream, download)"}
            }
          },
          "post": {
            "summary": "The OpenSubsonic API by POST: parameters in the query string, a form body, or both",
            "operationId": "subsonicPost",
            "parameters": [{"name": "method", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}}},
            "responses": {"200": {"description": "As for GET"}}
          }
        },
        "/songs": {
          "get": {
            "summary": "List songs ordered by title",
            "operationId": "listSongs",
            "parameters": [
              {"name": "genre", "in": "query", "description": "Genre name (any case) or id", "schema": {"type": "string"}},
              {"name": "artist", "in": "query", "description": "Exact artist name, any case", "schema": {"type": "string"}},
              {"name": "album", "in": "query", "description": "Exact album name, any case", "schema": {"type": "string"}},
              {"name": "q", "in": "query", "description": "Words that must all appear in title, artist or album (any case or accent)", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807}},
              {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807}},
              {"name": "If-None-Match", "in": "header", "description": "An anonymous listing's ETag: 304 while the feed has not moved", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "Songs", "headers": {"X-Changes-Position": {"$ref": "#/components/headers/ChangesPosition"}, "X-Catalog-Id": {"$ref": "#/components/headers/CatalogId"}, "ETag": {"description": "Anonymous listings only: the feed's position and the query", "schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Song"}}}}},
              "304": {"description": "Not modified (If-None-Match)"},
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
              "200": {"description": "Genres", "headers": {"X-Changes-Position": {"$ref": "#/components/headers/ChangesPosition"}, "X-Catalog-Id": {"$ref": "#/components/headers/CatalogId"}}, "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Genre"}}}}}
            }
          }
        },
        "/changes": {
          "get": {
            "summary": "The change feed: every change a caller can see after a position, oldest first, each with its subject as it is now; waits up to `wait` seconds when there is none",
            "operationId": "changes",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [
              {"name": "since", "in": "query", "required": true, "description": "A position: a page's `next`, a change's `position` or a listing's X-Changes-Position; `latest` for now", "schema": {"type": "string", "pattern": "^([0-9]{1,18}|latest)$"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 500}},
              {"name": "wait", "in": "query", "description": "Seconds to wait for a change when there is none", "schema": {"type": "integer", "minimum": 0, "maximum": 60, "default": 25}}
            ],
            "responses": {
              "200": {"description": "A page of changes", "headers": {"X-Catalog-Id": {"$ref": "#/components/headers/CatalogId"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChangePage"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "410": {"description": "The feed no longer holds that position (or never did): fetch the listing again and follow from its X-Changes-Position", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/events": {
          "get": {
            "summary": "The change feed as Server-Sent Events: `id:` is each change's position (Last-Event-ID resumes), `data:` the Change; `event: expired` when the position is gone",
            "operationId": "events",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [
              {"name": "since", "in": "query", "description": "As for /changes; else the Last-Event-ID header; else latest (from now)", "schema": {"type": "string", "pattern": "^([0-9]{1,18}|latest)$"}},
              {"name": "Last-Event-ID", "in": "header", "description": "The last event's id, as EventSource resends it on reconnecting", "schema": {"type": "string", "pattern": "^([0-9]{1,18}|latest)$"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}
            ],
            "responses": {
              "200": {"description": "An event stream", "content": {"text/event-stream": {"schema": {"type": "object", "required": ["event", "data"], "properties": {"id": {"type": "string", "pattern": "^[0-9]+$"}, "event": {"enum": ["change", "expired"]}, "data": {"type": "string", "contentMediaType": "application/json", "description": "change: a Change; expired: an Error"}}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "410": {"description": "The feed no longer holds that position", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          }
        },
        "/media/{key}": {
          "get": {
            "summary": "An object's bytes; single byte ranges are honoured",
            "operationId": "getMedia",
            "parameters": [
              {"name": "key", "in": "path", "required": true, "description": "<id>.mp3, <id>.jpg, <id>.png or <id>.json", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\\.(json|mp3|jpg|png)$"}},
              {"name": "size", "in": "query", "description": "Covers only (400 for other objects): the cover as a JPEG that fits size × size pixels (never upscaled), scaled once and cached", "schema": {"type": "integer", "minimum": 1, "maximum": 1024}},
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
              "416": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}
            }
          },
          "head": {
            "summary": "An object's headers",
            "operationId": "headMedia",
            "parameters": [{"name": "key", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\\.(json|mp3|jpg|png)$"}}],
            "responses": {"200": {"description": "Headers of the whole object"}, "400": {"description": "Not an object key"}, "404": {"description": "No such object"}}
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
              "400": {"$ref": "#/components/responses/Error"},
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
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S3Notification"}}}},
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
              {"name": "file", "in": "path", "required": true, "description": "<id>.json, <id>.mp3, <id>.jpg or <id>.png, with the bundle's own id", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\\.(json|mp3|jpg|png)$"}}
            ],
            "requestBody": {"required": false, "description": "The file. With no body the object is stored empty, and ingest reports the bundle (GET /status) as no song", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {
              "200": {"description": "Replaced; the body says how ingest went", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadReceipt"}}}},
              "201": {"description": "Created; the body says how ingest went", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "507": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/login": {
          "post": {
            "summary": "Sign in with a name and password (or HTTP Basic): a bearer token for later requests",
            "operationId": "login",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credentials"}}}},
            "responses": {
              "200": {"description": "Signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoginToken"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/logout": {
          "post": {
            "summary": "End the login the request's token belongs to",
            "operationId": "logout",
            "security": [{"bearer": []}],
            "responses": {"204": {"description": "Logged out"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"description": "Not a login token (an API key, the service's token)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/me": {
          "get": {
            "summary": "The listener this request acts as",
            "operationId": "me",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "responses": {
              "200": {"description": "The listener", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Listener"}}}},
              "401": {"$ref": "#/components/responses/Error"}
            }
          },
          "patch": {
            "summary": "Change the listener's own settings: whether their listening is shared (\"listeners of X also played\"), both ways",
            "operationId": "updateMe",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListenerSettings"}}}},
            "responses": {
              "200": {"description": "The listener", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Listener"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/recommendations/for-you": {
          "get": {
            "summary": "For you: songs the listener is likely to like and has not played in the last 24 hours, each with its reason",
            "operationId": "forYou",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/SuggestionLimit"}],
            "responses": {
              "200": {"description": "Suggestions, best first", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/recommendations/discover": {
          "get": {
            "summary": "Discover: like For you, only songs the listener has never played",
            "operationId": "discover",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/SuggestionLimit"}],
            "responses": {
              "200": {"description": "Suggestions, best first", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/songs/{id}/similar": {
          "get": {
            "summary": "Songs like this one: played with it and after it, by its artist, of its genre and era",
            "operationId": "similarSongs",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/BundleID"}, {"$ref": "#/components/parameters/SuggestionLimit"}],
            "responses": {
              "200": {"description": "Suggestions, best first", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/radio": {
          "post": {
            "summary": "The next songs of a radio from songs, artists, albums, genres or playlists: never a song it played, steered by the listener's skips, ratings and likes. A song seed is the first song",
            "operationId": "radio",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RadioRequest"}}}},
            "responses": {
              "200": {"description": "The next songs", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/me/keys": {
          "get": {
            "summary": "The listener's API keys (never the keys themselves)",
            "operationId": "listAPIKeys",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "responses": {
              "200": {"description": "Keys", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/APIKeyInfo"}}}}},
              "401": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "summary": "Create an API key; the answer is the only time the key is shown",
            "operationId": "createAPIKey",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Not blank, at most 200 characters, no control characters"}}}}}},
            "responses": {
              "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/APIKeyInfo"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/me/keys/{id}": {
          "delete": {
            "summary": "Revoke an API key",
            "operationId": "revokeAPIKey",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Revoked"}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/users": {
          "get": {
            "summary": "Every account (admins and the service token only)",
            "operationId": "listUsers",
            "security": [{"bearer": []}, {"basic": []}],
            "responses": {
              "200": {"description": "Accounts", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/UserSummary"}}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "summary": "Add an account (admins and the service token only)",
            "operationId": "addUser",
            "security": [{"bearer": []}, {"basic": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewUser"}}}},
            "responses": {
              "201": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/users/{name}": {
          "delete": {
            "summary": "Remove an account, with its likes, ratings, history and playlists (admins and the service token only)",
            "operationId": "removeUser",
            "security": [{"bearer": []}, {"basic": []}],
            "parameters": [{"$ref": "#/components/parameters/UserName"}],
            "responses": {"204": {"description": "Removed"}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/users/{name}/password": {
          "put": {
            "summary": "Set a password (one's own, or anyone's as an admin); ends that listener's logins",
            "operationId": "setPassword",
            "security": [{"bearer": []}, {"basic": []}],
            "parameters": [{"$ref": "#/components/parameters/UserName"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPassword"}}}},
            "responses": {"204": {"description": "Set"}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/songs/{id}/like": {
          "put": {
            "summary": "Like a song (liking again keeps the first time)",
            "operationId": "like",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/BundleID"}],
            "responses": {
              "200": {"description": "Liked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SongMark"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          },
          "delete": {
            "summary": "Unlike a song",
            "operationId": "unlike",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/BundleID"}],
            "responses": {
              "200": {"description": "Not liked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SongMark"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/songs/{id}/rating": {
          "put": {
            "summary": "Rate a song 1 to 5 stars, or 0 to clear; 1 star means never suggest it",
            "operationId": "rate",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/BundleID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["rating"], "properties": {"rating": {"type": "integer", "minimum": 0, "maximum": 5}}}}}},
            "responses": {
              "200": {"description": "Rated", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SongMark"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/likes": {
          "get": {
            "summary": "Liked songs, newest first",
            "operationId": "likes",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "responses": {
              "200": {"description": "Songs with likedAt", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Song"}}}}},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/plays": {
          "post": {
            "summary": "Report plays (one or an array of up to 1000); a play reported again is stored once",
            "operationId": "reportPlays",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/PlayReport"}, {"type": "array", "items": {"$ref": "#/components/schemas/PlayReport"}}]}}}},
            "responses": {
              "200": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaysReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/history": {
          "get": {
            "summary": "Recent plays, newest first",
            "operationId": "history",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
              {"name": "before", "in": "query", "description": "Only plays that started before this time (ISO 8601)", "schema": {"type": "string", "format": "date-time"}}
            ],
            "responses": {
              "200": {"description": "Plays", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryEntry"}}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/history/import": {
          "post": {
            "summary": "Import listens (up to 5000 per request), matched by song id, else by artist and title; importing the same listens twice adds nothing",
            "operationId": "importHistory",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HistoryImport"}}}},
            "responses": {
              "200": {"description": "Imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaysReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/history/export": {
          "get": {
            "summary": "Every play as JSON Lines in ListenBrainz's listen shape (TermPlayer's song id and play length in additional_info)",
            "operationId": "exportHistory",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "responses": {"200": {"description": "Listens, one per line", "content": {"application/x-ndjson": {}}}, "401": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/playlists": {
          "get": {
            "summary": "The smart lists, the listener's playlists, then other listeners' public ones",
            "operationId": "listPlaylists",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "responses": {
              "200": {"description": "Playlists", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/PlaylistSummary"}}}}},
              "401": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "summary": "Create a playlist, optionally with songs",
            "operationId": "createPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPlaylist"}}}},
            "responses": {
              "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "422": {"description": "A song that is not in the library", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/playlists/import": {
          "post": {
            "summary": "Make a playlist from an M3U8 or XSPF file, matching its entries by id or URL, else by artist and title",
            "operationId": "importPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [
              {"name": "name", "in": "query", "description": "The new playlist's name (empty or absent: the file's, else 'Imported playlist')", "schema": {"anyOf": [{"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Not blank, at most 200 characters, no control characters"}, {"type": "string", "maxLength": 0}]}},
              {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["m3u8", "xspf"]}},
              {"name": "filename", "in": "query", "description": "The file's name, a hint to its format", "schema": {"type": "string"}}
            ],
            "requestBody": {"required": true, "content": {"audio/x-mpegurl": {}, "application/xspf+xml": {}, "application/octet-stream": {}}},
            "responses": {
              "201": {"description": "Imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistImportReceipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/playlists/{id}": {
          "get": {
            "summary": "A playlist with its entries (a smart list's id is its name: liked, recently-added, most-played, recently-played, top-rated, never-played)",
            "operationId": "getPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "responses": {
              "200": {"description": "The playlist", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistDetail"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          },
          "patch": {
            "summary": "Rename, describe, or make public or private; with version, a concurrent edit is refused instead of lost",
            "operationId": "updatePlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistUpdate"}}}},
            "responses": {
              "200": {"description": "Updated", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          },
          "delete": {
            "summary": "Delete a playlist",
            "operationId": "deletePlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "responses": {"204": {"description": "Deleted"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/playlists/{id}/songs": {
          "post": {
            "summary": "Add songs at the end, or before a position",
            "operationId": "addToPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistAddition"}}}},
            "responses": {
              "200": {"description": "Added", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistSummary"}}}},
              "422": {"description": "A song that is not in the library", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/playlists/{id}/remove": {
          "post": {
            "summary": "Remove entries by position",
            "operationId": "removeFromPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistRemoval"}}}},
            "responses": {
              "200": {"description": "Removed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/playlists/{id}/move": {
          "post": {
            "summary": "Move an entry to another position",
            "operationId": "moveInPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistMove"}}}},
            "responses": {
              "200": {"description": "Moved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/playlists/{id}/copy": {
          "post": {
            "summary": "Copy a playlist one may see (one's own, a public one, a smart list) into a new one of one's own",
            "operationId": "copyPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"anyOf": [{"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Not blank, at most 200 characters, no control characters"}, {"type": "null"}], "description": "Absent or null: the original's name"}}}}}},
            "responses": {
              "201": {"description": "Copied", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/playlists/{id}/export": {
          "get": {
            "summary": "A playlist as an M3U8 or XSPF file, with URLs other players can stream",
            "operationId": "exportPlaylist",
            "security": [{"bearer": []}, {"basic": []}, {}],
            "parameters": [{"$ref": "#/components/parameters/PlaylistID"}, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["m3u8", "xspf"]}}],
            "responses": {
              "200": {"description": "The file", "content": {"audio/x-mpegurl": {}, "application/xspf+xml": {}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
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
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "The service's token (the machine's owner), a login token from POST /login, or an API key"}, "basic": {"type": "http", "scheme": "basic"}},
        "headers": {
          "ChangesPosition": {"description": "The change feed's position when the listing was read: follow /changes from it", "schema": {"type": "integer"}},
          "CatalogId": {"description": "The catalog's identity, on every answer: a UUID made once with the catalog, the same on every replica; a client's cache of another catalog must not be used", "schema": {"type": "string", "format": "uuid"}}
        },
        "parameters": {
          "BundleID": {"name": "id", "in": "path", "required": true, "description": "Letters, digits, '-', '_' and '.', not starting with '.', at most 128", "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"}},
          "PlaylistID": {"name": "id", "in": "path", "required": true, "description": "A playlist's id, or a smart list's name", "schema": {"type": "string"}},
          "UserName": {"name": "name", "in": "path", "required": true, "description": "A listener's name (any case)", "schema": {"type": "string"}},
          "SuggestionLimit": {"name": "limit", "in": "query", "description": "How many songs (default 20)", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}
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
              "bitrate": {"type": "integer", "description": "Average kbit/s"},
              "liked": {"type": "boolean", "description": "The caller's own marks: only when the request is made as a listener"},
              "rating": {"type": "integer", "minimum": 0, "maximum": 5},
              "plays": {"type": "integer", "description": "Counted plays: at least half the song, or 4 minutes"},
              "lastPlayed": {"type": ["string", "null"], "format": "date-time"},
              "likedAt": {"type": "string", "format": "date-time", "description": "Only in /likes"}
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
              "problems": {"type": "array", "items": {"$ref": "#/components/schemas/BundleProblem"}},
              "catalogId": {"type": "string", "format": "uuid", "description": "The catalog's identity, as in X-Catalog-Id"}
            }
          },
          "Listener": {
            "type": "object", "required": ["id", "name", "admin", "local"],
            "properties": {
              "id": {"type": "string"}, "name": {"type": "string"}, "admin": {"type": "boolean"}, "local": {"type": "boolean", "description": "The machine owner's implicit listener"},
              "sharesListening": {"type": "boolean", "description": "Whether their plays shape others' suggestions and others' shape theirs"}
            }
          },
          "ListenerSettings": {
            "type": "object", "description": "Unknown members are ignored, as in every request body",
            "properties": {"sharesListening": {"type": ["boolean", "null"], "description": "Absent or null: unchanged"}}
          },
          "Suggestion": {
            "type": "object", "required": ["song", "reason", "reasonKind"],
            "properties": {
              "song": {"$ref": "#/components/schemas/Song"},
              "reason": {"type": "string", "description": "For people: because you liked “X”, often played after “Y”, more Jazz from 1987"},
              "reasonKind": {"type": "string", "enum": ["liked", "rated", "played", "after", "also-played", "artist", "album", "genre", "favourite", "popular", "variety", "seed"]},
              "reasonSongId": {"type": "string", "description": "The song the reason names, when it names one"}
            }
          },
          "RadioRequest": {
            "type": "object", "required": ["seeds"],
            "properties": {
              "seeds": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"$ref": "#/components/schemas/RadioSeed"}},
              "played": {"type": ["array", "null"], "maxItems": 5000, "items": {"type": "string"}, "description": "What the station played so far, oldest first; none of it comes again"},
              "limit": {"type": ["integer", "null"], "minimum": 1, "maximum": 500, "default": 20}
            }
          },
          "RadioSeed": {
            "type": "object", "description": "Exactly one of song, artist, album (with artist), genre or playlist (an id, or a smart list's)",
            "properties": {"song": {"type": "string", "minLength": 1}, "artist": {"type": "string", "minLength": 1}, "album": {"type": "string", "minLength": 1}, "genre": {"type": "string", "minLength": 1}, "playlist": {"type": "string", "minLength": 1}},
            "oneOf": [
              {"required": ["song"], "not": {"anyOf": [{"required": ["artist"]}, {"required": ["album"]}, {"required": ["genre"]}, {"required": ["playlist"]}]}},
              {"required": ["artist"], "not": {"anyOf": [{"required": ["song"]}, {"required": ["genre"]}, {"required": ["playlist"]}]}},
              {"required": ["genre"], "not": {"anyOf": [{"required": ["song"]}, {"required": ["artist"]}, {"required": ["album"]}, {"required": ["playlist"]}]}},
              {"required": ["playlist"], "not": {"anyOf": [{"required": ["song"]}, {"required": ["artist"]}, {"required": ["album"]}, {"required": ["genre"]}]}}
            ]
          },
          "UserSummary": {
            "type": "object", "required": ["name", "admin", "local", "createdAt"],
            "properties": {"name": {"type": "string"}, "admin": {"type": "boolean"}, "local": {"type": "boolean"}, "createdAt": {"type": "string", "format": "date-time"}}
          },
          "NewUser": {
            "type": "object", "required": ["name", "password"],
            "properties": {"name": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Not blank, at most 200 characters, no control characters"}, "password": {"type": "string", "minLength": 1, "maxLength": 1024}, "admin": {"type": ["boolean", "null"]}}
          },
          "Credentials": {"type": "object", "required": ["name", "password"], "properties": {"name": {"type": "string", "minLength": 1}, "password": {"type": "string"}}},
          "NewPassword": {"type": "object", "required": ["password"], "properties": {"password": {"type": "string", "minLength": 1, "maxLength": 1024}}},
          "LoginToken": {
            "type": "object", "required": ["token", "expiresAt", "listener"],
            "properties": {"token": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}, "listener": {"$ref": "#/components/schemas/Listener"}}
          },
          "APIKeyInfo": {
            "type": "object", "required": ["id", "name", "createdAt"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"}, "key": {"type": "string", "description": "Only when created"}}
          },
          "ChangePage": {
            "type": "object", "required": ["changes", "next", "more"],
            "properties": {
              "changes": {"type": "array", "items": {"$ref": "#/components/schemas/Change"}},
              "next": {"type": "integer", "description": "Ask with this next"},
              "more": {"type": "boolean", "description": "More changes wait: ask again at once"}
            }
          },
          "Change": {
            "type": "object", "required": ["position", "at", "kind", "id"],
            "properties": {
              "position": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
              "kind": {"type": "string", "enum": ["song", "genre", "marks", "playlist"]},
              "id": {"type": "string", "description": "The song's, genre's or playlist's id"},
              "song": {"$ref": "#/components/schemas/Song", "description": "kind song: the song now; absent when it was deleted"},
              "genre": {"$ref": "#/components/schemas/Genre"},
              "marks": {"$ref": "#/components/schemas/SongMark", "description": "kind marks: the caller's own marks of the song"},
              "playlist": {"$ref": "#/components/schemas/PlaylistSummary", "description": "kind playlist: absent when it was deleted or is no longer visible"}
            }
          },
          "SongMark": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "liked": {"type": "boolean"}, "likedAt": {"type": "string", "format": "date-time"}, "rating": {"type": "integer", "minimum": 0, "maximum": 5}}
          },
          "PlayReport": {
            "type": "object", "required": ["song", "startedAt", "playedSeconds"],
            "properties": {"song": {"type": "string"}, "startedAt": {"type": "string", "format": "date-time", "description": "After 2000-01-01 and before tomorrow: a play outside that is refused (400)"}, "playedSeconds": {"type": "number", "minimum": 0}, "client": {"type": ["string", "null"]}}
          },
          "PlaysReceipt": {
            "type": "object", "required": ["added", "duplicates", "unmatched", "unmatchedExamples"],
            "properties": {"added": {"type": "integer"}, "duplicates": {"type": "integer"}, "unmatched": {"type": "integer"}, "unmatchedExamples": {"type": "array", "items": {"type": "string"}}}
          },
          "HistoryImport": {
            "type": "object", "required": ["listens"],
            "properties": {"listens": {"type": "array", "maxItems": 5000, "items": {
              "type": "object", "required": ["listenedAt"],
              "properties": {"songId": {"type": ["string", "null"]}, "artist": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]}, "album": {"type": ["string", "null"]}, "listenedAt": {"type": "string", "description": "ISO 8601; a listen whose time cannot be read is counted as unmatched"}, "playedSeconds": {"type": ["number", "null"], "description": "Absent or null: unknown"}}
            }}}
          },
          "HistoryEntry": {
            "type": "object", "required": ["songId", "startedAt", "playedSeconds", "counted", "skipped"],
            "properties": {
              "songId": {"type": "string"}, "startedAt": {"type": "string", "format": "date-time"}, "playedSeconds": {"type": "number"},
              "counted": {"type": "boolean"}, "skipped": {"type": "boolean"}, "song": {"$ref": "#/components/schemas/Song", "description": "Absent when the song is no longer in the library"}
            }
          },
          "PlaylistSummary": {
            "type": "object", "required": ["id", "name", "description", "owner", "public", "smart", "songCount", "duration", "version", "createdAt", "updatedAt"],
            "properties": {
              "id": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"}, "owner": {"type": "string"},
              "public": {"type": "boolean"}, "smart": {"type": "boolean"}, "songCount": {"type": "integer"}, "duration": {"type": "number"},
              "version": {"type": "integer"}, "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}
            }
          },
          "PlaylistEntry": {
            "type": "object", "required": ["position", "songId"],
            "properties": {"position": {"type": "integer", "minimum": 1}, "songId": {"type": "string"}, "song": {"$ref": "#/components/schemas/Song", "description": "Absent when the song is no longer in the library (unavailable)"}}
          },
          "PlaylistDetail": {
            "type": "object", "required": ["playlist", "entries"],
            "properties": {"playlist": {"$ref": "#/components/schemas/PlaylistSummary"}, "entries": {"type": "array", "items": {"$ref": "#/components/schemas/PlaylistEntry"}}}
          },
          "NewPlaylist": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Not blank, at most 200 characters, no control characters"}, "description": {"type": ["string", "null"], "maxLength": 2000}, "public": {"type": ["boolean", "null"]}, "songs": {"type": ["array", "null"], "maxItems": 10000, "items": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"}}}
          },
          "PlaylistUpdate": {
            "type": "object", "description": "Songs are added with POST /playlists/{id}/songs, not here",
            "properties": {"name": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$", "description": "Not blank, at most 200 characters, no control characters"}, "description": {"type": ["string", "null"], "maxLength": 2000}, "public": {"type": ["boolean", "null"]}, "version": {"type": ["integer", "null"], "minimum": 0, "maximum": 9223372036854775807}},
            "not": {"required": ["songs"], "properties": {"songs": {"not": {"type": "null"}}}}
          },
          "PlaylistAddition": {
            "type": "object", "required": ["songs"],
            "properties": {"songs": {"type": "array", "minItems": 1, "maxItems": 10000, "items": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"}}, "position": {"type": ["integer", "null"], "minimum": 1, "maximum": 10001}, "version": {"type": ["integer", "null"], "minimum": 0, "maximum": 9223372036854775807}}
          },
          "PlaylistRemoval": {
            "type": "object", "required": ["positions"],
            "properties": {"positions": {"type": "array", "minItems": 1, "maxItems": 10000, "items": {"type": "integer", "minimum": 1, "maximum": 10000}}, "version": {"type": ["integer", "null"], "minimum": 0, "maximum": 9223372036854775807}}
          },
          "PlaylistMove": {
            "type": "object", "required": ["from", "to"],
            "properties": {"from": {"type": "integer", "minimum": 1, "maximum": 10000}, "to": {"type": "integer", "minimum": 1, "maximum": 10000}, "version": {"type": ["integer", "null"], "minimum": 0, "maximum": 9223372036854775807}}
          },
          "PlaylistImportReceipt": {
            "type": "object", "required": ["playlist", "matched", "unmatched"],
            "properties": {"playlist": {"$ref": "#/components/schemas/PlaylistSummary"}, "matched": {"type": "integer"}, "unmatched": {"type": "array", "items": {"type": "string"}}}
          },
          "S3Notification": {
            "description": "S3's notification (Records), an SNS envelope of one (Type Notification, the notification as the Message string), or s3:TestEvent",
            "anyOf": [
              {"type": "object", "required": ["Records"], "properties": {"Records": {"type": "array", "items": {
                "type": "object", "required": ["eventName"], "properties": {"eventName": {"type": "string"}},
                "description": "Records of other events (restores, replication, lifecycle) are skipped",
                "if": {"properties": {"eventName": {"pattern": "^(s3:)?Object(Created|Removed):"}}},
                "then": {"required": ["s3"], "properties": {"s3": {"type": "object", "required": ["bucket", "object"], "properties": {
                  "bucket": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                  "object": {"type": "object", "required": ["key"], "properties": {"key": {"type": "string"}}}}}}}}}}},
              {"type": "object", "required": ["Type", "Message"], "properties": {"Type": {"const": "Notification"}, "Message": {"type": "string", "contentMediaType": "application/json"}}},
              {"type": "object", "required": ["Event"], "properties": {"Event": {"const": "s3:TestEvent"}}}
            ]
          },
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
        }
      }
    }
    """#
}
