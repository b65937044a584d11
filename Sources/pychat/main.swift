print("pychat")
