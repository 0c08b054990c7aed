from endpoints import table

print(table())
