# Must run before anything imports socket, threading or psycopg2: plain pytest does not apply
# eventlet's monkey patch, and nameko needs green sockets (DESIGN.md §2, known traps).
import eventlet

eventlet.monkey_patch()
