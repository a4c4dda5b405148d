"""The original project's API, rebuilt as a peer for the benchmarks: FastAPI in front of MySQL/MariaDB
with the original schema — genres(genreid, genre) and songs(id, title, album, artist, genre, year, file,
image) — and a connection per request through MySQL Connector, as the original's API did. Written here
from the original's description; it is not the original's code.

    MYSQL_SOCKET=/path/to/mysqld.sock MYSQL_DATABASE=music uvicorn original_api:app --port 8000
"""

import os

import mysql.connector
from fastapi import FastAPI

app = FastAPI()


def connect():
    return mysql.connector.connect(
        unix_socket=os.environ["MYSQL_SOCKET"], user=os.environ.get("MYSQL_USER", "root"), database=os.environ.get("MYSQL_DATABASE", "music"))


@app.get("/songs")
def songs(genre: str | None = None, limit: int | None = None):
    connection = connect()
    try:
        cursor = connection.cursor(dictionary=True)
        query = ("SELECT s.id, s.title, s.album, s.artist, g.genre, s.year, s.file, s.image FROM songs s "
                 "JOIN genres g ON g.genreid = s.genre")
        arguments = []
        if genre:
            query += " WHERE g.genre = %s"
            arguments.append(genre)
        query += " ORDER BY s.title"
        if limit:
            query += " LIMIT %s"
            arguments.append(limit)
        cursor.execute(query, arguments)
        return cursor.fetchall()
    finally:
        connection.close()


@app.get("/genres")
def genres():
    connection = connect()
    try:
        cursor = connection.cursor(dictionary=True)
        cursor.execute("SELECT genreid, genre FROM genres ORDER BY genreid")
        return cursor.fetchall()
    finally:
        connection.close()
