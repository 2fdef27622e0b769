from cdohub.cli import main

main()
